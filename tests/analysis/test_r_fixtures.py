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
