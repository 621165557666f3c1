"""Linearised IKM interval, stratified roll-up and comparisons against R survey 4.1 (issue 12, findings 1-2).

Expected values come from tests/analysis/fixtures/ikm_linearised.R (R 4.2, survey 4.1.1);
regenerate them with `Rscript tests/analysis/fixtures/ikm_linearised.R`.
"""
import csv
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.comparison import compare, holm
from analysis.estimate import Estimate, population_weighted, respondent_weighted
from analysis.ikm import CODES, PAIRS, compute_ikm, grade_label, sample_adequate
from analysis.ikm_sums import compute_ikm_from_sums

FIXTURES = Path(__file__).parent / "fixtures"


def _csv(name):
    with open(FIXTURES / name, newline="") as f:
        return list(csv.DictReader(f))


def _datasets(name):
    sets = {}
    for row in _csv(name):
        answers = {code: int(row[code.lower()]) for code in CODES if row[code.lower()] != ""}
        sets.setdefault(row["dataset"], []).append(answers)
    return sets


def _optional(value):
    return None if value in ("", "NA") else int(float(value))


def _sums(responses):
    """What the summary tables hold for these rows: per-unsur and per-pair sums."""
    sums = {c: (sum(r.get(c, 0) for r in responses), sum(c in r for r in responses)) for c in CODES}
    cross = {}
    for u, v in PAIRS:
        both = [r for r in responses if u in r and v in r]
        cross[(u, v)] = (len(both), sum(r[u] for r in both), sum(r[v] for r in both),
                         sum(r[u] * r[v] for r in both))
    return {c: s for c, s in sums.items() if s[1]}, cross


DATA = _datasets("ikm_linearised_data.csv")
EXPECTED = _csv("ikm_linearised_expected.csv")


def test_the_six_respondent_example_of_issue_12():
    # R1, R2 answer 4 everywhere; R3, R6 answer 3; R4 only U1 = 2; R5 only U1 = U2 = 2.
    result = compute_ikm(DATA["six"])
    assert str(result.score_display) == "85.28"
    assert round(result.se(), 2) == 6.64
    low, high = result.confidence_interval()
    assert (round(low, 2), high) == (68.22, 100.0)  # the old respondent-mean interval gave (61.81, 100)


@pytest.mark.parametrize("row", EXPECTED, ids=lambda r: f"{r['dataset']}-N{r['N'] or 'none'}")
def test_linearised_se_and_interval_equal_r_survey(row):
    responses = DATA[row["dataset"]]
    population = _optional(row["N"])
    sums, cross = _sums(responses)
    direct = compute_ikm(responses)
    from_sums = compute_ikm_from_sums(sums, len(responses), cross=cross)
    for result in (direct, from_sums):
        assert result.n_respondents == int(row["n"])
        assert result.score == pytest.approx(float(row["score"]), rel=1e-12)
        assert result.se(population) == pytest.approx(float(row["se"]), rel=1e-9)
        assert result.df == int(row["df"])
        low, high = result.confidence_interval(0.95, population)
        assert low == pytest.approx(max(25.0, float(row["lower"])), rel=1e-9)
        assert high == pytest.approx(min(100.0, float(row["upper"])), rel=1e-9)


def test_fixtures_cover_the_missing_shares_asked_for():
    share = {name: 1 - sum(len(r) for r in rows) / (9 * len(rows)) for name, rows in DATA.items()}
    assert share["miss0"] == 0
    assert 0.15 < share["miss20"] < 0.25 and 0.55 < share["miss60"] < 0.65
    assert {r["dataset"] for r in EXPECTED if r["N"]} == set(DATA)  # every set with and without fpc


def _strata():
    sets = _datasets("ikm_rollup_data.csv")
    return {h: compute_ikm(rows) for h, rows in sets.items()}, {"A": 100_000, "B": 200}


@pytest.mark.parametrize("fpc", [False, True])
def test_rollups_equal_r_stratified_design(fpc):
    results, pops = _strata()
    expected = {r["estimate"]: r for r in _csv("ikm_rollup_expected.csv") if r["fpc"] == str(fpc).upper()}
    parts = []
    for h in ("A", "B"):
        var = results[h].variance(pops[h] if fpc else None)
        assert math.sqrt(var) == pytest.approx(float(expected[f"layanan_{h}"]["se"]), rel=1e-9)
        parts.append((results[h].score, var, results[h].n_respondents))
    for name, estimate in (("ministry", respondent_weighted(parts)),
                           ("population", population_weighted(parts, [pops["A"], pops["B"]]))):
        row = expected[name]
        assert estimate.value == pytest.approx(float(row["value"]), rel=1e-12)
        assert estimate.se == pytest.approx(float(row["se"]), rel=1e-9)
        assert estimate.df == int(row["df"])
        assert estimate.interval() == pytest.approx((float(row["lower"]), float(row["upper"])), rel=1e-9)


def test_issue_example_population_weighted_point():
    # Issue 12: A (N 100000, n 384) 74.63 and B (N 200, n 132) 88.19 -> stratified 74.66, ministry 78.10.
    parts = [(74.63, 0.25, 384), (88.19, 0.1, 132)]
    assert round(population_weighted(parts, [100_000, 200]).value, 2) == 74.66
    assert round(respondent_weighted(parts).value, 2) == 78.10


COMPARE = _csv("ikm_compare_expected.csv")


@pytest.mark.parametrize("row", COMPARE, ids=lambda r: f"{r['first']}-{r['second']}-{r['fpc']}")
def test_difference_equals_r(row):
    fpc = row["fpc"] == "TRUE"
    if row["first"] == "A":
        results, pops = _strata()
        a, b = results["A"], results["B"]
        na, nb = (pops["A"], pops["B"]) if fpc else (None, None)
    else:
        a, b = compute_ikm(DATA["miss20"]), compute_ikm(DATA["miss60"])
        na, nb = (250, 1000) if fpc else (None, None)
    d = compare(Estimate(a.score, a.variance(na), a.df), Estimate(b.score, b.variance(nb), b.df))
    assert d.difference == pytest.approx(float(row["difference"]), rel=1e-12)
    assert d.se == pytest.approx(float(row["se"]), rel=1e-9)
    assert d.df == pytest.approx(float(row["df"]), rel=1e-9)
    assert (d.low, d.high) == pytest.approx((float(row["lower"]), float(row["upper"])), rel=1e-9)
    assert d.p_value == pytest.approx(float(row["p"]), rel=1e-6)
    assert d.significant == (float(row["p"]) < 0.05)


def test_holm_equals_r_p_adjust():
    rows = _csv("holm_expected.csv")
    assert holm([float(r["p"]) for r in rows]) == pytest.approx([float(r["holm"]) for r in rows], rel=1e-12)
    assert holm([]) == []
    with pytest.raises(ValueError):
        holm([1.5])


def test_census_gives_a_point_and_a_certain_difference():
    result = compute_ikm(DATA["miss20"])
    n = result.n_respondents
    assert result.confidence_interval(population=n) == (result.score, result.score)
    exact = Estimate(result.score, result.variance(n), result.df)
    d = compare(exact, Estimate(result.score - 1, 0.0, 3))
    assert (d.difference, d.se, d.p_value, d.significant) == (pytest.approx(1.0), 0.0, 0.0, True)


def test_variance_needs_cross_sums_and_two_respondents():
    sums, _cross = _sums(DATA["six"])
    with pytest.raises(ValueError, match="cross-product"):
        compute_ikm_from_sums(sums, 6).confidence_interval()
    with pytest.raises(ValueError, match="at least 2"):
        compute_ikm([{"U1": 3}]).confidence_interval()


@pytest.mark.parametrize("bad", [
    {("U1", "U2"): (1, 2)},                   # not four numbers
    {("U2", "U1"): (1, 2, 2, 4)},             # pair out of order
    {("U1", "U2"): (1, 9, 2, 4)},             # a sum above 4 per answer
    {("U1", "U1"): (5, 18, 18, 60)},          # diagonal disagrees with the unsur's own count
])
def test_impossible_cross_sums_are_refused(bad):
    sums, cross = _sums(DATA["six"])
    with pytest.raises(ValueError):
        compute_ikm_from_sums(sums, 6, cross={**cross, **bad})


def test_grade_label_and_sample_note():
    assert grade_label(80.0, (77.0, 88.0)) == "Mutu B"
    assert grade_label(80.0, (75.0, 89.0)) == "Mutu B (interval mencakup A dan C)"
    assert grade_label(87.0, (80.0, 88.31)) == "Mutu B (interval mencakup A)"
    assert grade_label(87.0, (80.0, 88.304)) == "Mutu B"  # 88.304 shows as 88.30, still B
    assert grade_label(70.0, None) == "Mutu C"
    assert grade_label(85.27777, compute_ikm(DATA["six"]).confidence_interval()) == \
        "Mutu B (interval mencakup A dan C)"
    assert not sample_adequate(29) and sample_adequate(30)
    assert not sample_adequate(131, 200) and sample_adequate(132, 200)  # Krejcie-Morgan: 132 of 200


@pytest.mark.parametrize("row", _csv("ikm_nrr_expected.csv"), ids=lambda r: f"{r['dataset']}-{r['unsur']}-{r['N']}")
def test_nrr_variance_equals_r_svyratio(row):
    responses = DATA[row["dataset"]]
    sums, cross = _sums(responses)
    population = _optional(row["N"])
    for result in (compute_ikm(responses), compute_ikm_from_sums(sums, len(responses), cross=cross)):
        assert result.nrr[row["unsur"]] == pytest.approx(float(row["nrr"]), rel=1e-12)
        assert math.sqrt(result.nrr_variance(row["unsur"], population)) == pytest.approx(float(row["se"]), rel=1e-9)


answer = st.one_of(st.none(), st.integers(1, 4))
layanan_sample = st.lists(st.fixed_dictionaries({}, optional={c: answer for c in CODES}), min_size=2, max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(layanan_sample, st.integers(0, 300)), min_size=1, max_size=4))
def test_every_rollup_lies_inside_its_own_interval_and_a_census_is_a_point(strata):
    assume(all(any(v is not None for row in rows for v in row.values()) for rows, _extra in strata))
    results = [(compute_ikm(rows), len(rows) + extra) for rows, extra in strata]
    parts = [(r.score, r.variance(pop), r.n_respondents) for r, pop in results]
    census = [(r.score, r.variance(r.n_respondents), r.n_respondents) for r, _pop in results]
    for estimate in (respondent_weighted(parts), population_weighted(parts, [p for _r, p in results])):
        low, high = estimate.interval()
        assert 25.0 <= low <= estimate.value <= high <= 100.0
    for estimate in (respondent_weighted(census), population_weighted(census, [r.n_respondents for r, _ in results])):
        assert estimate.interval() == (estimate.value, estimate.value)
