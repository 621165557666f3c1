"""Known answers computed in R (base R and survey 4.1), stored in tests/analysis/fixtures/.

fixtures/make_fixtures.R writes every JSON file read here; rerun it with
`Rscript tests/analysis/fixtures/make_fixtures.R` to regenerate them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from scipy import stats

from analysis.proportion import estimate_proportion, hypergeometric_bounds

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


HYPER = load("hypergeometric.json")
# Every small case with N <= 20 or n <= 2 (all the n = 1 ties), and every third of the rest:
# the whole grid takes ~10 s on a shared machine and adds nothing the sample misses.
SMALL = [row for i, row in enumerate(HYPER["exact_small"]) if row[2] <= 20 or row[1] <= 2 or i % 3 == 0]


def test_hypergeometric_small_grid_against_exact_r_brute_force():
    # R decides every tail in integer arithmetic for N <= 50 (a tail equal to alpha/2 is rejected).
    got = [(row, hypergeometric_bounds(int(row[0]), int(row[1]), int(row[2]), row[3])) for row in SMALL]
    wrong = [(row, bounds) for row, bounds in got if bounds != tuple(row[4:6])]
    assert not wrong, wrong[:5]
    assert len(SMALL) > 2000


@pytest.mark.parametrize("row", HYPER["large"], ids=lambda r: f"x{r[0]}-n{r[1]}-N{r[2]}-{r[3]}")
def test_hypergeometric_large_cases_against_r_phyper(row):
    x, n, big_n, level, low, high = row[:6]
    assert hypergeometric_bounds(int(x), int(n), int(big_n), level) == (low, high)
    est = estimate_proportion(int(x), int(n), population=int(big_n), level=level, method="exact")
    assert (est.low, est.high) == (low / big_n, high / big_n)


def test_hypergeometric_tie_is_rejected():
    # N = 40, n = 1, x = 1, 95%: P(X >= 1 | M = 1) = 1/40 = alpha/2 exactly, so M = 1 is rejected.
    assert hypergeometric_bounds(1, 1, 40, 0.95) == (2, 40)
    # samplingbook's own example (1 of 500 from 10,000 at 90%): P(X >= 1 | M = 1) = 0.05 = alpha/2.
    assert hypergeometric_bounds(1, 500, 10000, 0.90)[0] == 2


def test_clopper_pearson_with_population_minimum_coverage():
    # R: minimum over M of the coverage of "clopper-pearson" with N (effective n) at N = 100,
    # n = 30, 95%, is 0.9414 (below nominal); the exact hypergeometric interval keeps >= 0.95.
    ref = load("coverage.json")
    big_n, n, level = ref["N"], ref["n"], ref["level"]
    intervals = {method: [estimate_proportion(x, n, population=big_n, level=level, method=method)
                          for x in range(n + 1)] for method in ("clopper-pearson", "exact")}

    def coverage(method, m):
        p = m / big_n
        return sum(stats.hypergeom.pmf(x, big_n, m, n) for x, est in enumerate(intervals[method])
                   if est.low <= p <= est.high)

    cp = [coverage("clopper-pearson", m) for m in range(big_n + 1)]
    assert min(cp) == pytest.approx(ref["min_coverage_cp"], abs=1e-9)
    assert cp.index(min(cp)) == ref["argmin_M_cp"]
    assert round(min(cp), 3) == 0.941
    exact = min(coverage("exact", m) for m in range(big_n + 1))
    assert exact == pytest.approx(ref["min_coverage_exact"], abs=1e-9) and exact >= 0.95


WEIGHTED = load("weighted_proportion.json")


def _n(value):
    return None if value in (None, "NA", {}) else value


@pytest.mark.parametrize("case", WEIGHTED, ids=lambda c: c["name"])
def test_weighted_proportion_wilson_on_kish_effective_n(case):
    from analysis.proportion import weighted_proportion

    pops = case["N"] if isinstance(case["N"], list) else [case["N"]]
    xs = case["x"] if isinstance(case["x"], list) else [case["x"]]
    ns = case["n"] if isinstance(case["n"], list) else [case["n"]]
    weights = case["weights"] if isinstance(case["weights"], list) else [case["weights"]]
    parts = [(x, n, None if pop in (None, "NA") else int(pop)) for x, n, pop in zip(xs, ns, pops, strict=True)]
    r = weighted_proportion(parts, weights)
    assert r.p == pytest.approx(case["p"], abs=1e-14)
    assert r.low == pytest.approx(case["low"], abs=1e-12)
    assert r.high == pytest.approx(case["high"], abs=1e-12)
    if _n(case.get("n_eff")) is None:
        assert r.n_eff is None and r.low == r.high == r.p
    else:
        assert r.n_eff == pytest.approx(case["n_eff"], rel=1e-12)
    assert r.low <= r.p <= r.high


@pytest.mark.parametrize("case", [c for c in WEIGHTED if c["w"] == "N"], ids=lambda c: c["name"])
def test_stratified_proportion_against_r(case):
    from analysis.stratified import Stratum, stratified_proportion

    xs = case["x"] if isinstance(case["x"], list) else [case["x"]]
    ns = case["n"] if isinstance(case["n"], list) else [case["n"]]
    pops = case["N"] if isinstance(case["N"], list) else [case["N"]]
    r = stratified_proportion([Stratum(int(pop), successes=x, n=n) for x, n, pop in zip(xs, ns, pops, strict=True)])
    assert r.estimate == pytest.approx(case["p"], abs=1e-14)
    if "svy_se" in case:  # R survey svymean with fpc
        assert r.estimate == pytest.approx(case["svymean"], abs=1e-14)
        assert r.se == pytest.approx(case["svy_se"], abs=1e-14)
    assert r.low == pytest.approx(case["low"], abs=1e-12) and r.high == pytest.approx(case["high"], abs=1e-12)


def test_stratified_proportion_at_zero_does_not_collapse():
    from analysis.stratified import Stratum, stratified_proportion

    # Every stratum at p = 0, nothing a census: the old Wald interval was [0, 0].
    r = stratified_proportion([Stratum(500, successes=0, n=30), Stratum(1000, successes=0, n=40)])
    ref = next(c for c in WEIGHTED if c["name"] == "stratified all zero")
    assert r.estimate == 0.0 and r.low == 0.0
    assert r.high == pytest.approx(ref["high"], abs=1e-12) and r.high > 0.05


COMPOSITE = load("composite.json")


@pytest.mark.parametrize("case", COMPOSITE["composites"], ids=lambda c: "-".join(map(str, c["components"])))
def test_composite_interval_against_r(case):
    from analysis.indicators import Component, combine_estimates

    comps = [COMPOSITE["components"][i] for i in case["components"]]
    for comp in comps:  # each component's SE is R survey's svymean SE (with fpc where N is given)
        values = comp["values"]
        mean = sum(values) / len(values)
        var = sum((v - mean) ** 2 for v in values) / (len(values) - 1) / len(values)
        fpc = 1.0 if comp["N"] in (None, "NA") else 1 - len(values) / comp["N"]
        assert comp["se"] == pytest.approx((var * fpc) ** 0.5, rel=1e-9)
    r = combine_estimates([Component(c["mean"], c["se"], c["df"]) for c in comps], case["weights"],
                          bounds=None)
    assert r.value == pytest.approx(case["estimate"], rel=1e-14)
    assert r.se == pytest.approx(case["se"], rel=1e-12)
    assert r.df == pytest.approx(case["df"], rel=1e-12)
    assert r.low == pytest.approx(case["low"], rel=1e-12) and r.high == pytest.approx(case["high"], rel=1e-12)


PAIRED = load("paired_change.json")


@pytest.mark.parametrize("panel", PAIRED["panels"], ids=lambda p: f"n{len(p['before'])}")
def test_paired_change_against_r(panel):
    from analysis.income import above_line, mean_change, paired_proportions

    before, after, members = panel["before"], panel["after"], panel["household"]
    r = mean_change(before, after)
    assert r.mean == pytest.approx(panel["mean_change"], rel=1e-12)
    assert r.median == panel["median_change"]
    assert r.df == panel["t_df"]
    assert r.low == pytest.approx(panel["t_low"], rel=1e-10) and r.high == pytest.approx(panel["t_high"], rel=1e-10)
    assert r.t_p == pytest.approx(panel["t_p"], rel=1e-9)
    for name in ("extreme", "poverty"):
        ref = panel["lines"][name]
        was = [above_line(b, m, ref["line"]) for b, m in zip(before, members, strict=True)]
        now = [above_line(a, m, ref["line"]) for a, m in zip(after, members, strict=True)]
        pp = paired_proportions(was, now)
        assert (pp.both, pp.up, pp.down, pp.neither) == (ref["both"], ref["up"], ref["down"], ref["neither"])
        assert pp.share_before == pytest.approx(ref["share_before"]) and pp.share_after == pytest.approx(
            ref["share_after"])
        assert pp.mcnemar_p == pytest.approx(ref["mcnemar_exact_p"], rel=1e-12)
        assert pp.difference == pytest.approx(ref["difference"], abs=1e-14)
        assert pp.low == pytest.approx(ref["low"], abs=1e-12) and pp.high == pytest.approx(ref["high"], abs=1e-12)


def test_newcombe_method_10_cavo_table():
    # Fagerland, Lydersen & Laake (2017) ch. 8, Cavo et al. (2012): [[59, 6], [16, 80]], R formula in fixtures.
    from analysis.income import paired_proportions

    ref = PAIRED["cavo"]
    # The R call passes e = 59 (yes both times), f = 6 (yes only after), g = 16 (yes only before), h = 80.
    before = [True] * 59 + [False] * 6 + [True] * 16 + [False] * 80
    after = [True] * 59 + [True] * 6 + [False] * 16 + [False] * 80
    pp = paired_proportions(before, after)
    assert pp.difference == pytest.approx(ref["difference"], abs=1e-15)
    assert pp.low == pytest.approx(ref["low"], abs=1e-12) and pp.high == pytest.approx(ref["high"], abs=1e-12)
