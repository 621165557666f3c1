"""IKM report service: the SQL path equals a recomputation from the raw rows, and roll-ups follow Table 3.29."""
import math
import random
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
from scipy import stats

from analysis.ikm import compute_ikm
from analysis.rounding import round_half_up
from app.core.periods import parse_period
from app.extensions import db
from app.models import ServicePopulation
from app.reports import ikm as ikm_report
from app.reports import ikm_json, respondents, rollup
from tests.report_data import as_answers, insert_rows, make_rows


@pytest.fixture()
def skm(tree, make_layanan):
    rng = random.Random(6)
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    b = make_layanan("lay-b", tree["dayasos"], name="Layanan KAT")
    c = make_layanan("lay-c", tree["rehsos"], name="Layanan Rehsos")
    rows = {"a": make_rows(a, "2025-02", 40, rng) + make_rows(a, "2025-05", 25, rng),
            "b": make_rows(b, "2025-03", 30, rng),
            "c": make_rows(c, "2025-08", 50, rng)}
    flagged = make_rows(a, "2025-06", 5, rng, flag_too_fast=True, u1=1, u2=1, u3=1)
    old = make_rows(a, "2024-04", 12, rng)
    for chunk in [*rows.values(), flagged, old]:
        insert_rows(chunk)
    rows["a_flagged"] = flagged
    rows["a_2024"] = old
    return {"a": a, "b": b, "c": c, "rows": rows, **tree}


def _weighted(parts):
    return sum(Decimal(repr(s)) * n for s, n in parts) / sum(n for _s, n in parts)


def test_report_matches_raw_rows(skm):
    rows = skm["rows"]
    report = ikm_report.build_report(skm["root"], parse_period("2025"))
    raw = {"lay-a": compute_ikm(as_answers(rows["a"] + rows["a_flagged"])),
           "lay-b": compute_ikm(as_answers(rows["b"])), "lay-c": compute_ikm(as_answers(rows["c"]))}
    by_slug = {line.slug: line for line in report.lines}
    for slug, expected in raw.items():
        assert by_slug[slug].result.score_exact == expected.score_exact
        assert by_slug[slug].n == expected.n_respondents
        assert by_slug[slug].ci == pytest.approx(expected.confidence_interval(), abs=1e-9)
    parts = [(r.score, r.n_respondents) for r in raw.values()]
    assert report.headline.score == pytest.approx(float(_weighted(parts)), abs=1e-9)
    assert report.headline.n_respondents == 40 + 25 + 5 + 30 + 50
    nodes = {node.code: node for node in report.tree.walk()}
    dayasos = [(raw["lay-a"].score, raw["lay-a"].n_respondents), (raw["lay-b"].score, raw["lay-b"].n_respondents)]
    assert nodes["DAYASOS"].score == pytest.approx(float(_weighted(dayasos)), abs=1e-9)
    assert nodes["PSDS"].score == pytest.approx(raw["lay-a"].score, abs=1e-12)
    assert nodes["REHSOS"].n == 50
    pooled = compute_ikm(as_answers(rows["a"] + rows["a_flagged"] + rows["b"] + rows["c"]))
    assert report.headline.pooled.score_exact == pooled.score_exact
    # The headline's interval is the roll-up's own (layanan as strata), not the pooled one (issue 12).
    n = sum(r.n_respondents for r in raw.values())
    var = sum((r.n_respondents / n) ** 2 * r.variance() for r in raw.values())
    half = stats.t.ppf(0.975, n - 3) * math.sqrt(var)
    assert report.headline.ci == pytest.approx((report.headline.score - half, report.headline.score + half), abs=1e-9)
    assert report.headline.ci != pytest.approx(pooled.confidence_interval(), abs=1e-3)
    assert nodes["DAYASOS"].pooled.score_exact == compute_ikm(
        as_answers(rows["a"] + rows["a_flagged"] + rows["b"])).score_exact
    # the headline NRR is the respondent-weighted NRR, consistent with the roll-up score
    assert sum(report.headline.nrr.values()) / 9 * 25 == pytest.approx(report.headline.score, abs=1e-9)
    lowest = min(report.headline.nrr, key=report.headline.nrr.get)
    assert report.headline.lowest_unsur == lowest


def test_table_3_29_rollup_through_the_unit_tree(make_unit):
    root = make_unit("KEMENSOS", level="kementerian")
    printed = {"SETJEN": (91.11, 5023), "REHSOS": (89.15, 9413), "PJS": (91.68, 2264), "DAYASOS": (92.17, 1047),
               "ITJEN": (93.95, 633)}
    units = [root] + [make_unit(code, parent=root) for code in printed]
    lines = [rollup.LayananLine(i, code.lower(), code, u.id, code,
                                    SimpleNamespace(score=printed[code][0], n_respondents=printed[code][1],
                                                    df=printed[code][1] - 1, variance=lambda population=None: 0.25))
             for i, (code, u) in enumerate(((u.code, u) for u in units[1:]), start=1)]
    tree = rollup.build_tree(root, units, lines)
    assert tree.n == 18380
    assert tree.score_display == Decimal("90.33")
    assert round_half_up(rollup.rollup_parts(list(printed.values()))[0], 2) == Decimal("90.33")


def test_period_flags_and_exclusion(skm):
    rows = skm["rows"]
    period = parse_period("2025-S1")
    report = ikm_report.build_report(skm["dayasos"], period)
    assert {line.slug for line in report.lines} == {"lay-a", "lay-b"}
    assert report.flags["flagged"] == 5 and report.flags["too_fast"] == 5
    assert report.n == 40 + 25 + 5 + 30
    excluded = ikm_report.build_report(skm["dayasos"], period, exclude_flagged=True)
    assert excluded.n == 95 and excluded.exclude_flagged
    a_line = next(line for line in excluded.lines if line.slug == "lay-a")
    assert a_line.result.score_exact == compute_ikm(as_answers(rows["a"])).score_exact
    data = ikm_json.report_json(excluded)
    assert data["exclude_flagged"] is True and data["flags"]["flagged"] == 5


def test_single_layanan_report_and_trend(skm):
    rows = skm["rows"]
    report = ikm_report.build_report(skm["dayasos"], parse_period("2025"), layanan=skm["a"])
    assert [line.slug for line in report.lines] == ["lay-a"]
    expected = compute_ikm(as_answers(rows["a"] + rows["a_flagged"]))
    assert report.headline.score == expected.score
    assert [p.period.code for p in report.trend] == ["2021", "2022", "2023", "2024", "2025"]
    assert report.trend[3].n == 12
    assert report.trend[3].score == pytest.approx(compute_ikm(as_answers(rows["a_2024"])).score)
    assert report.trend[0].score is None and report.trend[0].n == 0


def test_profile_and_kritik(skm):
    rows = skm["rows"]["c"]
    report = ikm_report.build_report(skm["rehsos"], parse_period("2025-Q3"))
    profile = dict(report.profile["pendidikan"])
    counts = Counter(r["pendidikan"] for r in rows)
    assert profile["SMA"] == counts["SMA"]
    assert profile.get(respondents.UNKNOWN, 0) == counts[None]
    assert sum(n for _label, n in report.profile["usia"]) == 50
    assert dict(report.profile["usia"])["≥ 60"] == sum(1 for r in rows if r["usia"] == 70)
    texts = [r["kritik_saran"] for r in rows if r["kritik_saran"]]
    assert len(report.kritik) == len(texts)
    assert sorted(k["text"] for k in report.kritik) == sorted(texts)
    dates = [k["submitted_at"] for k in report.kritik]
    assert dates == sorted(dates, reverse=True)


def test_population_sets_krejcie_morgan_target_and_fpc(skm):
    db.session.add(ServicePopulation(layanan_id=skm["c"].id, period="2025", population=60))
    db.session.commit()
    report = ikm_report.build_report(skm["rehsos"], parse_period("2025"))
    line = report.lines[0]
    assert line.population == 60 and line.km_target == 52 and report.km_target == 52
    plain = line.result.confidence_interval()
    assert line.ci[1] - line.ci[0] < plain[1] - plain[0]  # finite-population correction narrows it
    assert ikm_report.build_report(skm["rehsos"], parse_period("2025-Q3")).lines[0].population is None


def test_empty_period(skm):
    report = ikm_report.build_report(skm["root"], parse_period("2019"))
    assert report.headline is None and report.n == 0 and report.kritik == []
    data = ikm_json.report_json(report)
    assert data["rollup"] is None and all(item["score"] is None for item in data["layanan"])
