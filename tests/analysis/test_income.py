import pytest

from analysis.income import BANDS, graduation_ready, income_band, paired_change

# R's wilcox.test documentation example (Hollander & Wolfe 1973, p. 29: Hamilton
# depression scale before (x) and after (y) the first tranquilizer dose):
#   wilcox.test(x, y, paired = TRUE, alternative = "greater")  ->  V = 40, p-value = 0.01953
# so the exact two-sided p-value is 2 x 0.01953 = 0.0390625 (= 2 x 10/512).
X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def test_wilcoxon_matches_r_example():
    # "before" = y, "after" = x, so the differences are x - y as in R.
    r = paired_change(Y, X)
    assert r.wilcoxon_p == pytest.approx(0.0390625, abs=1e-7)
    assert (r.n, r.n_increased, r.n_same, r.n_decreased) == (9, 7, 0, 2)
    # median of x - y by hand: sorted differences -0.08 -0.147 ... median 0.49
    assert r.median_change == pytest.approx(0.49, abs=1e-12)
    assert r.share_increased.p == pytest.approx(7 / 9)


def test_zero_differences_are_reported_not_dropped():
    before = [100, 100, 100, 100, 100, 200]
    after = [150, 100, 100, 90, 130, 260]
    r = paired_change(before, after)
    assert (r.n, r.n_increased, r.n_same, r.n_decreased) == (6, 3, 2, 1)
    assert r.share_increased.n == 6  # the share is out of everyone, zeros included
    assert r.share_increased.p == 0.5
    assert r.zero_method == "pratt"
    assert r.median_change == 15.0  # differences 50, 0, 0, -10, 30, 60
    assert 0 < r.wilcoxon_p <= 1


def test_all_zero_differences_have_no_test():
    r = paired_change([5, 5, 5], [5, 5, 5])
    assert r.n_same == 3 and r.wilcoxon_p is None and r.median_change == 0.0


def test_share_increased_uses_population():
    # PENA (seed 002 lines 1939-1968): 4,309 of 4,583 increased, population 4,765.
    before = [0] * 4583
    after = [1] * 4309 + [0] * 274
    r = paired_change(before, after, population=4765)
    assert r.share_increased.population == 4765
    assert round(r.share_increased.p * 100, 2) == 94.02


def test_paired_change_rejects_bad_input():
    with pytest.raises(ValueError):
        paired_change([1, 2], [1])
    with pytest.raises(ValueError):
        paired_change([], [])
    with pytest.raises(ValueError):
        paired_change([1, None], [1, 2])
    with pytest.raises(ValueError):
        paired_change([1], [float("nan")])
    with pytest.raises(ValueError):
        paired_change([1], [2], zero_method="drop")


# Garis kemiskinan March 2023: Rp550,458 per capita per month (seed 002 line 1090).
# The extreme line here is only a test value, not an official figure.
GK = 550458
GKE = 350000
UMK = 2_500_000


@pytest.mark.parametrize(
    ("income", "household", "expected"),
    [
        (100_000, None, "below-extreme"),
        (GKE - 1, None, "below-extreme"),
        (GKE, None, "between-lines"),  # at the extreme line: not below it
        (GK - 1, None, "between-lines"),
        (GK, None, "above-poverty-line"),  # at the poverty line: not poor (BPS: poor = below)
        (GK + 1, None, "above-poverty-line"),
    ],
)
def test_income_band_lines(income, household, expected):
    assert income_band(income, GKE, GK) == expected


def test_income_band_umk():
    assert income_band(900_000, GKE, GK, household_income=UMK, umk=UMK) == "above-UMK"
    assert income_band(900_000, GKE, GK, household_income=UMK - 1, umk=UMK) == "above-poverty-line"
    # Above the UMK as a household but poor per capita (large family): banded by the line.
    assert income_band(300_000, GKE, GK, household_income=3_000_000, umk=UMK) == "below-extreme"
    assert set(BANDS) == {"below-extreme", "between-lines", "above-poverty-line", "above-UMK"}


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((100, GK, GKE), {}),  # extreme line above poverty line
        ((100, 0, GK), {}),
        ((100, GKE, GK), {"umk": UMK}),  # umk without household income
        ((100, GKE, GK), {"household_income": 5}),
        ((None, GKE, GK), {}),
        ((GK, GKE, GK), {"household_income": 5, "umk": 0}),
    ],
)
def test_income_band_rejects(args, kwargs):
    with pytest.raises(ValueError):
        income_band(*args, **kwargs)


def test_graduation_ready():
    # Seed 002 line 3398: income above the UMK and stable for at least 3 months.
    assert graduation_ready([1, 2, UMK, UMK + 1, UMK + 5], UMK)
    assert not graduation_ready([UMK, UMK, UMK - 1], UMK)
    assert not graduation_ready([UMK + 1, UMK + 1], UMK)  # only 2 months observed
    assert not graduation_ready([UMK, None, UMK, UMK], UMK, months=4)  # a missing month breaks the run
    assert graduation_ready([UMK, None, UMK, UMK], UMK, months=2)
    assert not graduation_ready([UMK + 1] * 5, UMK, months=6)
    # The UMK changes in January: one UMK per month.
    assert graduation_ready([2.4e6, 2.45e6, 2.6e6], [2.4e6, 2.4e6, 2.6e6])
    assert not graduation_ready([2.4e6, 2.45e6, 2.55e6], [2.4e6, 2.4e6, 2.6e6])


def test_graduation_ready_rejects():
    with pytest.raises(ValueError):
        graduation_ready([1, 2, 3], UMK, months=0)
    with pytest.raises(ValueError):
        graduation_ready([1, 2, 3], [UMK, UMK])
    with pytest.raises(ValueError):
        graduation_ready([1, 2, 3], 0)
    with pytest.raises(ValueError):
        graduation_ready([1, "x", 3], 1)


def test_wilcoxon_is_exact_for_small_samples_with_ties_and_zeros():
    # scipy 1.17, method="auto": with ties or zeros and n <= 13 the p-value comes from the exhaustive
    # permutation distribution, not the normal approximation (docs/METHODS.md section 6).
    # Hand count: Pratt ranks |d| with the zero ranked first (rank 1), so the four 1s share rank 3.5;
    # only one of them is negative, T- = 3.5. Of the 2^9 sign patterns of the nine non-zero ranks,
    # 5 give T- <= 3.5 (none negative, or one of the four 3.5s): p = 2 x 5/512 = 20/1024.
    before = [10] * 10
    after = [10 + d for d in (1, 1, 2, -1, 3, 0, 2, 4, 1, 5)]
    r = paired_change(before, after)
    assert r.wilcoxon_p == pytest.approx(20 / 1024, abs=1e-15)


def test_mean_change_and_paired_proportions_edges():
    from analysis.income import above_line, mean_change, paired_proportions

    one = mean_change([100], [250])
    assert (one.mean, one.median, one.low, one.t_p) == (150, 150, None, None)
    flat = mean_change([100, 200, 300], [150, 250, 350])
    assert flat.low == flat.high == flat.mean == 50 and flat.t_p is None
    nobody = paired_proportions([True, False, False], [True, False, False])
    assert nobody.mcnemar_p == 1.0 and nobody.difference == 0.0 and nobody.low <= 0.0 <= nobody.high
    all_up = paired_proportions([False] * 6, [True] * 6)
    assert all_up.difference == 1.0 and all_up.high == 1.0 and 0 < all_up.low < 1
    assert all_up.mcnemar_p == pytest.approx(2 / 64)
    assert above_line(1_100_916, 2, 550_458) and not above_line(1_100_915, 2, 550_458)  # equality counts
    with pytest.raises(ValueError):
        paired_proportions([1, 0], [0, 1])
    with pytest.raises(ValueError):
        mean_change([1, 2], [1])
