"""Properties that must hold for every input, checked with hypothesis.

Example counts are kept small so the whole analysis suite stays well under a minute."""
import math
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.ikm import CODES, PAIRS, compute_ikm, compute_ikm_columns, grade
from analysis.ikm_sums import compute_ikm_from_sums
from analysis.proportion import METHODS, estimate_proportion
from analysis.rounding import round_half_up

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
APPROX = ("wilson", "agresti-coull", "jeffreys", "clopper-pearson")
TOL = 1e-12


@st.composite
def samples(draw, with_population=True):
    n = draw(st.integers(1, 400))
    x = draw(st.integers(0, n))
    big_n = draw(st.one_of(st.none(), st.integers(n, 5000))) if with_population else None
    return x, n, big_n


@FAST
@given(samples(), st.sampled_from(METHODS), st.floats(0.5, 0.999))
def test_bounds_contain_p_and_stay_in_unit_interval(sample, method, level):
    x, n, big_n = sample
    est = estimate_proportion(x, n, population=big_n, level=level, method=method)
    assert 0.0 <= est.low <= est.high <= 1.0
    assert est.low - TOL <= est.p <= est.high + TOL
    assert not math.isnan(est.se) and est.se >= 0.0


@FAST
@given(samples(with_population=False), st.sampled_from(METHODS), st.integers(2, 6))
def test_interval_shrinks_as_n_grows(sample, method, k):
    # Same observed proportion, k times the sample: never wider.
    x, n, _ = sample
    small = estimate_proportion(x, n, method=method)
    large = estimate_proportion(k * x, k * n, method=method)
    assert large.width <= small.width + TOL


@FAST
@given(samples(with_population=False), st.sampled_from(METHODS), st.integers(0, 3000), st.integers(1, 3000))
def test_interval_shrinks_as_n_approaches_population(sample, method, extra_small, extra_large):
    # Fix x and n; a smaller population means a larger sampling fraction.
    x, n, _ = sample
    near, far = sorted((n + extra_small, n + extra_small + extra_large))
    w_near = estimate_proportion(x, n, population=near, method=method).width
    w_far = estimate_proportion(x, n, population=far, method=method).width
    slack = 2.0 / near if method == "exact" else TOL  # the hypergeometric bounds move in whole units
    assert w_near <= w_far + slack
    census = estimate_proportion(x, n, population=n, method=method)
    assert census.width == 0.0


@FAST
@given(samples(with_population=False), st.sampled_from(APPROX), st.integers(0, 5000))
def test_population_never_widens_score_and_beta_intervals(sample, method, extra):
    x, n, _ = sample
    with_n = estimate_proportion(x, n, population=n + extra, method=method)
    without = estimate_proportion(x, n, method=method)
    assert with_n.width <= without.width + TOL


answer = st.one_of(st.none(), st.integers(1, 4))
response = st.fixed_dictionaries({}, optional={c: answer for c in CODES})


@FAST
@given(st.lists(response, min_size=1, max_size=60), st.floats(0.5, 0.99), st.integers(0, 200))
def test_compute_ikm_and_from_sums_agree(responses, level, extra_population):
    answered = [{c: v for c, v in r.items() if v is not None} for r in responses]
    assume(any(answered))
    direct = compute_ikm(responses)

    # What the trigger-kept summary tables hold:
    sums = {c: (sum(r[c] for r in answered if c in r), sum(c in r for r in answered)) for c in CODES}
    cross = {}
    for u, v in PAIRS:
        both = [r for r in answered if u in r and v in r]
        cross[(u, v)] = (len(both), sum(r[u] for r in both), sum(r[v] for r in both),
                         sum(r[u] * r[v] for r in both))
    from_sums = compute_ikm_from_sums(sums, len(responses), cross=cross)
    assert from_sums.score_exact == direct.score_exact
    assert from_sums.score_display == direct.score_display
    assert (from_sums.grade, from_sums.performance) == (direct.grade, direct.performance)
    assert from_sums.nrr == direct.nrr and from_sums.counts == direct.counts
    assert from_sums.n_respondents == direct.n_respondents
    if len(responses) >= 2:
        population = len(responses) + extra_population
        for pop in (None, population):
            assert math.isclose(direct.se(pop), from_sums.se(pop), rel_tol=1e-9, abs_tol=1e-12)
            a = direct.confidence_interval(level, population=pop)
            b = from_sums.confidence_interval(level, population=pop)
            assert math.isclose(a[0], b[0], rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(a[1], b[1], rel_tol=1e-9, abs_tol=1e-9)
            assert 25.0 <= a[0] <= direct.score <= a[1] <= 100.0  # the score lies inside its own interval
        census = direct.confidence_interval(level, population=len(responses))
        assert census == (direct.score, direct.score)  # a census has no sampling error

    columns = {c: [r.get(c) for r in responses] for c in CODES}
    by_columns = compute_ikm_columns(columns)
    assert by_columns.score_exact == direct.score_exact


@FAST
@given(st.lists(response, min_size=1, max_size=40))
def test_complete_answers_make_score_the_mean_of_nrr(responses):
    # With every unsur answered by everyone, score = plain mean of the 9 NRR x 25
    # (DOMAIN.md), and the interval's centre coincides with the mean of respondent means.
    full = [{c: (r.get(c) or 3) for c in CODES} for r in responses]
    result = compute_ikm(full)
    assert math.isclose(result.score, sum(result.nrr.values()) / 9 * 25, rel_tol=1e-12)
    means = [sum(r.values()) / 9 for r in full]
    assert math.isclose(result.score, sum(means) / len(means) * 25, rel_tol=1e-12)


@FAST
@given(st.integers(2500, 10000))
def test_grade_agrees_with_display_rounding(hundredths):
    score = Decimal(hundredths).scaleb(-2)
    mutu, _ = grade(score)
    expected = "A" if score >= Decimal("88.31") else "B" if score >= Decimal("76.61") else (
        "C" if score >= Decimal("65.00") else "D")
    assert mutu == expected


@FAST
@given(st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_round_half_up_follows_the_decimal_the_float_prints(d):
    x = float(d)
    assert round_half_up(x, 2) == Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
