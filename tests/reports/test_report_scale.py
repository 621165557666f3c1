"""Issue 17: the faster report path gives the same numbers as before.

- analysis.ikm._build (common denominator) against the Fraction arithmetic it replaced;
- analysis.ikm_batch through ikm_by_layanan_periods (layanan of one response, all-same
  answers, an unsur nobody answered, a respondent who answered nothing) against
  compute_ikm_from_sums per layanan on the same sums, exactly, and compute_ikm on the rows;
- build_report over 60 layanan (past the array-parameter threshold) against an
  independent path: compute_ikm on each layanan's raw rows, period by period,
  rolled up and compared with the same analysis functions. Runs on SQLite and,
  with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

import random
from fractions import Fraction

import pytest

from analysis.ikm import CODES, PAIRS, _build, compute_ikm, grade, rollup
from analysis.ikm_sums import compute_ikm_from_sums
from analysis.rounding import round_half_up
from app.core.periods import parse_period
from app.reports import comparisons, ikm_inference
from app.reports import ikm as ikm_report
from app.skm import summary as skm_stats
from tests.report_data import as_answers, insert_rows, make_rows


def _reference_build(sums, counts, n):
    """The Fraction arithmetic _build used before issue 17."""
    answered = [c for c in CODES if counts[c] > 0]
    k = len(answered)
    nrr_exact = {c: Fraction(sums[c], counts[c]) for c in answered}
    index_exact = sum(nrr_exact.values(), Fraction(0)) / k
    score_exact = index_exact * 25
    display = round_half_up(score_exact, 2)
    return {"nrr": {c: float(v) for c, v in nrr_exact.items()},
            "nrr_weighted": {c: float(v / k) for c, v in nrr_exact.items()},
            "index": float(index_exact), "score": float(score_exact), "score_exact": score_exact,
            "score_display": display, "grade": grade(display)}


def test_build_equals_the_fraction_arithmetic_exactly():
    rng = random.Random(1700)
    for trial in range(3000):
        n = rng.choice((1, 2, 3, 7, 30, 997, 10_000, 123_457, 10_000_000))
        counts, sums = {}, {}
        for code in CODES:
            counts[code] = 0 if rng.random() < 0.1 else rng.randint(1, n)
            sums[code] = rng.randint(counts[code], 4 * counts[code])
        if not any(counts.values()):
            counts["U1"], sums["U1"] = 1, 3
        got = _build(sums, counts, n, None)
        want = _reference_build(sums, counts, n)
        assert (got.nrr, got.nrr_weighted, got.index, got.score, got.score_exact, got.score_display,
                (got.grade, got.performance)) == (want["nrr"], want["nrr_weighted"], want["index"], want["score"],
                                                  want["score_exact"], want["score_display"], want["grade"]), trial


@pytest.fixture()
def many(tree, make_layanan):
    rng = random.Random(4242)
    layanan = [make_layanan(f"skala-{i:02d}", tree["psds"] if i % 3 else tree["rehsos"]) for i in range(60)]
    rows = {}
    for lay in layanan:
        for month in ("2024-01", "2024-07", "2025-02", "2025-03", "2025-11", "2023-05"):
            if rng.random() < 0.8:
                made = make_rows(lay, month, rng.randint(3, 12), rng)
                for row in made:
                    row["flag_too_fast"] = rng.random() < 0.05
                rows.setdefault(lay.id, []).extend(made)
    insert_rows([r for rs in rows.values() for r in rs])
    assert len(layanan) >= skm_stats.ARRAY_IDS_FROM
    return {"layanan": layanan, "rows": rows, **tree}


def _same_estimate(got, want):
    assert (got is None) == (want is None)
    if want is not None:
        assert got.value == pytest.approx(want.value, rel=1e-12)
        assert got.variance == pytest.approx(want.variance, rel=1e-9)
        assert got.df == want.df


def _raw(many, period, exclude_flagged):
    out = {}
    for lay in many["layanan"]:
        rows = [r for r in many["rows"].get(lay.id, []) if period.start <= r["period"] <= period.end
                and not (exclude_flagged and r["flag_too_fast"])]
        if rows:
            out[lay.id] = compute_ikm(as_answers(rows))
    return out


@pytest.mark.parametrize("exclude_flagged", [False, True])
@pytest.mark.parametrize("code", ["2025", "2025-S1", "2025-Q1"])
def test_report_numbers_equal_an_independent_raw_row_path(many, code, exclude_flagged):
    period = parse_period(code)
    report = ikm_report.build_report(many["root"], period, exclude_flagged=exclude_flagged)
    raw = _raw(many, period, exclude_flagged)
    lines = {line.id: line for line in report.lines}
    assert {lid for lid, line in lines.items() if line.result} == set(raw)
    for lid, want in raw.items():
        got = lines[lid].result
        assert (got.score, got.nrr, got.n_respondents, got.score_display) == \
            (want.score, want.nrr, want.n_respondents, want.score_display)
        if want.n_respondents >= 2:
            assert got.variance() == pytest.approx(want.variance(), rel=1e-9, abs=1e-12)
    assert report.headline.score == rollup([(r.score, r.n_respondents) for r in raw.values()])
    _same_estimate(report.headline.estimate, ikm_inference.ministry_estimate((r, None) for r in raw.values()))
    for point in report.trend:
        results = _raw(many, point.period, exclude_flagged)
        want = rollup([(r.score, r.n_respondents) for r in results.values()]) if results else None
        assert point.score == want and point.n == sum(r.n_respondents for r in results.values())
    for comparison in report.comparisons:
        other = next(p for _label, p in comparisons.compared_periods(period) if p.code == comparison.period_code)
        results = _raw(many, other, exclude_flagged)
        _same_estimate(comparison.other, ikm_inference.ministry_estimate((r, None) for r in results.values()))
    expected = [p for _label, p in comparisons.compared_periods(period) if report.headline.estimate is not None
                and ikm_inference.ministry_estimate((r, None) for r in _raw(many, p, exclude_flagged).values())]
    assert [c.period_code for c in report.comparisons] == [p.code for p in expected]
    assert report.ranking.family == ikm_inference.FAMILY_ADJACENT
    assert len(report.ranking.pairs) == len(report.ranking.order) - 1


SHAPES = ("one", "same", "no_u3", "blank", "holes", "mixed")


def _shaped_rows(lay, shape: str, rng: random.Random) -> list[dict]:
    """Responses of one layanan in 2025-04 in a given shape (see SHAPES)."""
    count = {"one": 1, "same": rng.randint(2, 9)}.get(shape, rng.randint(2, 25))
    rows = make_rows(lay, "2025-04", count, rng)
    for row in rows:
        row["flag_too_fast"] = rng.random() < 0.1
        if shape == "same":
            row.update({f"u{k}": 3 for k in range(1, 10)})
        elif shape == "no_u3":
            row["u3"] = None
        elif shape == "holes":
            row.update({f"u{k}": None for k in range(1, 10) if rng.random() < 0.3})
    if shape == "blank":
        rows[0].update({f"u{k}": None for k in range(1, 10)})  # answered nothing, still a respondent
    return rows


@pytest.fixture()
def shaped(tree, make_layanan):
    rng = random.Random(1717)
    layanan = [make_layanan(f"bentuk-{i:02d}", tree["psds"]) for i in range(6 * len(SHAPES) + 20)]
    rows = {lay.id: _shaped_rows(lay, SHAPES[i % len(SHAPES)], rng) for i, lay in enumerate(layanan)}
    insert_rows([r for rs in rows.values() for r in rs])
    assert len(layanan) >= skm_stats.ARRAY_IDS_FROM  # PostgreSQL gets the ids as one array
    return {"layanan": layanan, "rows": rows}


@pytest.mark.parametrize("exclude_flagged", [False, True])
def test_the_vectorised_scores_equal_the_scalar_path_on_the_databases_sums(shaped, exclude_flagged):
    """ikm_by_layanan_periods (analysis.ikm_batch) against compute_ikm_from_sums per layanan, fed the same
    sums computed from the raw rows, and against compute_ikm on those rows."""
    period = parse_period("2025")
    got = skm_stats.ikm_by_layanan_periods([lay.id for lay in shaped["layanan"]], [period], exclude_flagged)[period]
    checked = 0
    for lay in shaped["layanan"]:
        rows = [r for r in shaped["rows"][lay.id] if not (exclude_flagged and r["flag_too_fast"])]
        answers = as_answers(rows)
        if not any(v is not None for a in answers for v in a.values()):
            assert lay.id not in got
            continue
        sums, cross = _raw_sums(answers)
        scalar = compute_ikm_from_sums(sums, len(rows), cross=cross)
        result = got[lay.id]
        assert result == scalar and result._linearisation == scalar._linearisation, lay.slug
        raw = compute_ikm(answers)
        assert (result.score, result.nrr, result.counts) == (raw.score, raw.nrr, raw.counts)
        if len(rows) >= 2:
            assert result.variance() == pytest.approx(raw.variance(), rel=1e-12, abs=1e-12)
            assert result.nrr_variances() == pytest.approx(raw.nrr_variances(), rel=1e-12, abs=1e-12)
        checked += 1
    assert checked > 40


def _raw_sums(answers: list[dict]) -> tuple[dict, dict]:
    """The (sum, count) per unsur and the per-pair cross sums of these answers, in Python."""
    sums = {}
    for code in CODES:
        values = [a[code] for a in answers if a[code] is not None]
        if values:
            sums[code] = (sum(values), len(values))
    cross = {}
    for u, v in PAIRS:
        both = [(a[u], a[v]) for a in answers if a[u] is not None and a[v] is not None]
        cross[(u, v)] = (len(both), sum(x for x, _y in both), sum(y for _x, y in both), sum(x * y for x, y in both))
    return sums, cross


def test_the_latest_kritik_keep_every_non_empty_text(tree, make_layanan):
    """The report states the partial index's predicate (kritik_saran > ''): every non-empty text still counts."""
    lay = make_layanan("kritik-aneh", tree["psds"])
    texts = [" ", "\t", "\u0007 bel", "-1", "=A1", "😀", "ẞ", "0", "\n", "a", "", None]
    rows = make_rows(lay, "2025-05", len(texts), random.Random(5))
    for row, text in zip(rows, texts, strict=True):
        row["kritik_saran"] = text
    insert_rows(rows)
    report = ikm_report.build_report(tree["root"], parse_period("2025"))
    assert sorted(k["text"] for k in report.kritik) == sorted(t for t in texts if t)


@pytest.mark.parametrize("exclude_flagged", [False, True])
@pytest.mark.parametrize("code", ["2025", "2024", "2023"])
def test_a_year_profile_from_the_yearly_counts_equals_the_monthly_sums(many, code, exclude_flagged):
    """skm_profile_year (read for whole years) gives exactly the counts the monthly table sums to."""
    from app.core import report_db
    from app.reports.respondents import profile, profile_counts

    period = parse_period(code)
    ids = [lay.id for lay in many["layanan"]]

    def counts(by_year):
        return sorted((d, v, int(n)) for d, v, n in report_db.execute(
            profile_counts(ids, period, exclude_flagged, by_year=by_year)))

    monthly = counts(False)
    assert monthly and counts(True) == monthly
    # and both equal the raw rows (an age band and the respondents with no jenis kelamin)
    rows = [r for lay in many["layanan"] for r in many["rows"].get(lay.id, [])
            if period.start <= r["period"] <= period.end and not (exclude_flagged and r["flag_too_fast"])]
    shown = profile(ids, period, exclude_flagged)
    assert dict(shown["usia"])["≥ 60"] == sum(1 for r in rows if r["usia"] is not None and r["usia"] >= 60)
    assert dict(shown["jenis_kelamin"]).get("Tidak diisi", 0) == sum(1 for r in rows if r["jenis_kelamin"] is None)
    with pytest.raises(ValueError):
        profile_counts(ids, parse_period("2025-Q1"), exclude_flagged, by_year=True)
