"""Proportion intervals against published reference values.

Sources:
- R package binom, binom.confint(x, n, tol = 1e-8), as stored in statsmodels'
  test suite: statsmodels/stats/tests/results/results_proportion.py
  (method order: agresti-coull, asymptotic, bayes, cloglog, exact, logit, probit,
  profile, lrt, prop.test, wilson). binom's "asymptotic" is Wald and its
  "exact" is Clopper-Pearson. statsmodels compares its equal-tailed Jeffreys
  interval to binom's "bayes" column only for n = 20 and n = 200 (not the
  n = 30 edge cases), and so do we.
- R package samplingbook 1.2.4, Sprop() examples as printed in its reference
  manual (pkgdown docs/reference/Sprop.html) and its tests/testthat/tests_ch2.r.
"""
import math

import pytest
from scipy import stats

from analysis.proportion import METHODS, estimate_proportion, hypergeometric_bounds

# (x, n): {method: (low, high)}; the binom.confint values, clipped to [0, 1]
# exactly as statsmodels' test does ("we impose that confint is in [0, 1]").
BINOM = {
    (18, 20): {
        "agresti-coull": (0.6867561125596077, 0.984343760998137),
        "wald": (0.768521618913513, 1.031478381086487),
        "jeffreys": (0.716146742695748, 0.97862751197755),
        "clopper-pearson": (0.6830172859809176, 0.9876514728297052),
        "wilson": (0.6989663547715128, 0.972133518786232),
    },
    (4, 20): {
        "agresti-coull": (0.0749115102767071, 0.4217635845549845),
        "wald": (0.0246954918846837, 0.3753045081153163),
        "jeffreys": (0.07152005247873425, 0.4082257625169254),
        "clopper-pearson": (0.05733399705003284, 0.436614002996668),
        "wilson": (0.0806576625797981, 0.4160174322518935),
    },
    (4, 200): {
        "agresti-coull": (0.005991954548218395, 0.0520995587739575),
        "wald": (0.000597346459104517, 0.0394026535408955),
        "jeffreys": (0.00678759879519299, 0.0468465669668423),
        "clopper-pearson": (0.005475565879556443, 0.05041360908989634),
        "wilson": (0.00780442641634947, 0.05028708690582643),
    },
    (190, 200): {
        "agresti-coull": (0.909307307911624, 0.973731898348837),
        "wald": (0.919794926420966, 0.980205073579034),
        "clopper-pearson": (0.9099724622986486, 0.975765834527891),
        "wilson": (0.910421851861224, 0.972617354399236),
    },
    (1, 30): {
        "agresti-coull": (-8.305484e-03, 0.18091798),
        "wald": (-3.090070e-02, 0.09756737),
        "clopper-pearson": (8.435709e-04, 0.17216946),
        "wilson": (5.908590e-03, 0.16670391),
    },
    (29, 30): {
        "agresti-coull": (0.8190820, 1.0083055),
        "wald": (0.9024326, 1.0309007),
        "clopper-pearson": (0.8278305, 0.9991564),
        "wilson": (0.8332961, 0.9940914),
    },
    (0, 30): {
        "agresti-coull": (0.0, 0.13471170),
        "wald": (0.0, 0.00000000),
        "clopper-pearson": (0.0, 0.11570331),
        "wilson": (0.0, 0.11351339),
    },
    (30, 30): {
        "agresti-coull": (0.8652883, 1.0),
        "wald": (1.0000000, 1.0),
        "clopper-pearson": (0.8842967, 1.0),
        "wilson": (0.8864866, 1.0),
    },
}

CASES = [(xn, m, lohi) for xn, methods in BINOM.items() for m, lohi in methods.items()]


@pytest.mark.parametrize(("xn", "method", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_binom_confint_reference(xn, method, expected):
    x, n = xn
    est = estimate_proportion(x, n, method=method)
    low, high = max(expected[0], 0.0), min(expected[1], 1.0)
    # statsmodels asserts these to 6 decimals; the n = 30 values are printed to 7.
    assert est.low == pytest.approx(low, abs=1e-6)
    assert est.high == pytest.approx(high, abs=1e-6)
    assert est.p == x / n and est.n == n and est.population is None and est.method == method


@pytest.mark.parametrize("xn", list(BINOM))
def test_exact_without_population_is_clopper_pearson(xn):
    a = estimate_proportion(*xn, method="exact")
    b = estimate_proportion(*xn, method="clopper-pearson")
    assert (a.low, a.high) == (b.low, b.high)


def test_clopper_pearson_matches_r_binom_test():
    # R: binom.test(51, 235, 1/6) conf.int, stored in statsmodels' test_proportion.py.
    est = estimate_proportion(51, 235, method="exact")
    assert est.low == pytest.approx(0.1660633298083073, abs=1e-12)
    assert est.high == pytest.approx(0.2752683640289254, abs=1e-12)


# samplingbook::Sprop printed output (reference manual, version 1.2.4), N = Inf:
#   Sprop(m=302, n=1206): se 0.0125; asymptotic [0.226,0.2749]; Wilson [0.2268,0.2756];
#                         Clopper-Pearson [0.2262,0.2759]
#   Sprop(m=133, n=1206): se 0.009;  asymptotic [0.0926,0.128]; Wilson [0.0938,0.1292];
#                         Clopper-Pearson [0.0932,0.1293]
@pytest.mark.parametrize(
    ("x", "se", "wald", "wilson", "cp"),
    [
        (302, 0.0125, (0.226, 0.2749), (0.2268, 0.2756), (0.2262, 0.2759)),
        (133, 0.009, (0.0926, 0.128), (0.0938, 0.1292), (0.0932, 0.1293)),
    ],
)
def test_sprop_infinite_population(x, se, wald, wilson, cp):
    printed = 0.00005  # printed to 4 significant decimals
    assert estimate_proportion(x, 1206).se == pytest.approx(se, abs=printed)
    for method, ref in (("wald", wald), ("wilson", wilson), ("clopper-pearson", cp)):
        est = estimate_proportion(x, 1206, method=method)
        assert est.low == pytest.approx(ref[0], abs=printed), method
        assert est.high == pytest.approx(ref[1], abs=printed), method


# samplingbook::Sprop with finite N (reference manual 1.2.4; tests_ch2.r):
#   (m, n, N, level): se, approx proportion, approx number, and the exact number.
# The exact numbers are the standard exact interval [smallest, largest accepted M]
# from R's brute-force phyper computation (fixtures/hypergeometric.json). Sprop 1.2.4
# prints the last *rejected* M on each side instead: (110, 161), (2, 19), (1, 93), (28, 136).
SPROP_FINITE = [
    (45, 100, 300, 0.95, 0.0408, (0.37, 0.53), (111, 159), (111, 160)),
    (2, 100, 300, 0.95, 0.0115, (-0.0025, 0.0425), (0, 12), (2, 18)),
    (1, 500, 10000, 0.90, 0.0019, (-0.0012, 0.0052), (-12, 52), (2, 92)),
    (5, 13, 200, 0.95, 0.1358, (0.1185, 0.6508), (24, 130), (29, 135)),
    (50, 60, 61, 0.95, 0.00621, None, (51, 51), (50, 51)),
    (10, 20, 20, 0.95, None, None, (10, 10), (10, 10)),
]


@pytest.mark.parametrize(("m", "n", "big_n", "level", "se", "approx", "approx_nr", "exact_nr"), SPROP_FINITE)
def test_sprop_finite_population(m, n, big_n, level, se, approx, approx_nr, exact_nr):
    wald = estimate_proportion(m, n, population=big_n, level=level, method="wald")
    if se is not None:
        digits = len(repr(se).split(".")[1])
        assert wald.se == pytest.approx(se, abs=0.5 * 10**-digits)
    else:
        assert wald.se == 0.0  # census: samplingbook prints NA with a warning
    # Sprop's "approx" interval is Wald with the survey variance p q/(n-1) (N-n)/N;
    # its population numbers are ceiling(low N) and floor(high N), unclipped.
    p = m / n
    z = stats.norm.ppf(0.5 + level / 2)
    raw_low, raw_high = p - z * wald.se, p + z * wald.se
    assert (math.ceil(raw_low * big_n), math.floor(raw_high * big_n)) == approx_nr
    if approx is not None:
        assert raw_low == pytest.approx(approx[0], abs=0.00005)
        assert raw_high == pytest.approx(approx[1], abs=0.00005)
        assert wald.low == pytest.approx(max(0.0, approx[0]), abs=0.00005)  # ours is clipped to [0, 1]
    exact = estimate_proportion(m, n, population=big_n, level=level, method="exact")
    assert hypergeometric_bounds(m, n, big_n, level) == exact_nr
    assert exact.low == exact_nr[0] / big_n and exact.high == exact_nr[1] / big_n


@pytest.mark.parametrize(
    ("x", "n", "big_n", "level"),
    [(45, 100, 300, 0.95), (2, 100, 300, 0.95), (5209, 6665, 12001, 0.95), (3, 10, 50, 0.9), (0, 40, 90, 0.99)],
)
def test_hypergeometric_bounds_defining_property(x, n, big_n, level):
    # The bounds are the outermost values of M that neither one-sided test at
    # alpha/2 rejects, and the next value outwards is rejected - unless the bound
    # is already at what the sample forces.
    half = (1 - level) / 2
    low, high = hypergeometric_bounds(x, n, big_n, level)

    def upper_tail(m):
        return stats.hypergeom.sf(x - 1, big_n, m, n)

    def lower_tail(m):
        return stats.hypergeom.cdf(x, big_n, m, n)

    assert upper_tail(low) > half and lower_tail(high) > half
    if low > x:
        assert upper_tail(low - 1) <= half
    if high < big_n - (n - x):
        assert lower_tail(high + 1) <= half


@pytest.mark.parametrize("method", METHODS)
def test_kat_all_successes_with_population(method):
    # Seed 002 line 2090: KAT 967 of 967 sampled from 1,620 - p = 1.
    est = estimate_proportion(967, 967, population=1620, method=method)
    assert est.p == 1.0
    assert est.high == 1.0
    assert not math.isnan(est.low) and 0.99 < est.low <= 1.0
    assert est.se == 0.0
    if method != "wald":  # Wald's interval collapses at p = 1 (see METHODS.md)
        assert est.low < 1.0


@pytest.mark.parametrize("method", METHODS)
def test_zero_successes_is_proper(method):
    est = estimate_proportion(0, 50, population=400, method=method)
    assert est.low == 0.0
    assert 0.0 <= est.high <= 1.0
    if method != "wald":
        assert est.high > 0.0


@pytest.mark.parametrize("method", METHODS)
def test_census_is_a_point(method):
    est = estimate_proportion(30, 40, population=40, method=method)
    assert (est.low, est.high, est.se) == (0.75, 0.75, 0.0)


def test_finite_population_effective_n():
    # With N the score methods use n_eff = n (N-1)/(N-n): Wilson at N = 12001
    # equals plain Wilson at that (non-integer) n_eff, p unchanged.
    x, n, big_n = 5209, 6665, 12001
    n_eff = n * (big_n - 1) / (big_n - n)
    z = stats.norm.ppf(0.975)
    p = x / n
    centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff**2)) / (1 + z * z / n_eff)
    est = estimate_proportion(x, n, population=big_n)
    assert est.low == pytest.approx(centre - half, rel=1e-12)
    assert est.high == pytest.approx(centre + half, rel=1e-12)
    # se is the survey SE sqrt(p q/(n-1) (N-n)/N) whatever the method
    assert est.se == pytest.approx(math.sqrt(p * (1 - p) / (n - 1) * (big_n - n) / big_n), rel=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((11, 10), {}),  # successes > n
        ((-1, 10), {}),
        ((1, 0), {}),  # empty sample
        ((5, 10), {"population": 9}),  # n > population
        ((5, 10), {"level": 1.0}),
        ((5, 10), {"level": 0}),
        ((5, 10), {"level": 95}),
        ((5, 10), {"method": "bogus"}),
        ((5.5, 10), {}),
        ((True, 10), {}),
        (("5", 10), {}),
    ],
)
def test_rejects_bad_input(args, kwargs):
    with pytest.raises(ValueError):
        estimate_proportion(*args, **kwargs)


def test_hypergeometric_bounds_needs_population():
    with pytest.raises(ValueError):
        hypergeometric_bounds(1, 10, None)
