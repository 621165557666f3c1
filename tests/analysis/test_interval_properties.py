"""Every aggregate's figure lies inside its own interval, and a census is a point (hypothesis)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.indicators import Component, combine_estimates
from analysis.proportion import estimate_proportion, weighted_proportion

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def parts(draw, census=False):
    k = draw(st.integers(1, 5))
    rows = []
    for _ in range(k):
        n = draw(st.integers(1, 300))
        x = draw(st.integers(0, n))
        pop = n if census else draw(st.one_of(st.none(), st.integers(n, 4000)))
        rows.append((x, n, pop))
    weights = draw(st.lists(st.floats(0.01, 100), min_size=k, max_size=k))
    return rows, weights


@FAST
@given(parts(), st.floats(0.5, 0.999))
def test_weighted_proportion_contains_its_estimate(data, level):
    rows, weights = data
    r = weighted_proportion(rows, weights, level)
    assert 0.0 <= r.low <= r.p <= r.high <= 1.0
    if all(pop == n for _x, n, pop in rows):
        assert r.low == r.high == r.p


@FAST
@given(parts(census=True))
def test_weighted_proportion_census_is_a_point(data):
    rows, weights = data
    r = weighted_proportion(rows, weights)
    assert r.low == r.high == r.p and r.n_eff is None


@FAST
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n),
                                                        st.one_of(st.none(), st.integers(n, 3000)))))
def test_one_part_is_the_wilson_interval(sample):
    x, n, pop = sample
    one = weighted_proportion([sample], [1.0])
    ref = estimate_proportion(x, n, population=pop, method="wilson")
    assert abs(one.low - ref.low) < 1e-12 and abs(one.high - ref.high) < 1e-12


@FAST
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 20), st.one_of(st.none(), st.floats(1, 500))),
                min_size=1, max_size=6),
       st.floats(0.5, 0.999))
def test_composite_contains_its_value(items, level):
    r = combine_estimates([Component(v, se, df) for v, se, df in items], level=level)
    assert 0.0 <= r.low <= r.value <= r.high <= 100.0
    if all(se == 0 for _v, se, _df in items):
        assert r.low == r.high == r.value
