"""Known-answer tests for the IKM. Expected values are hand arithmetic from the
PermenPAN-RB 14/2017 definitions (as summarised in shared/DOMAIN.md), never
this module's own output."""
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from analysis.ikm import (
    CODES,
    PAIRS,
    UNSUR,
    compute_ikm,
    compute_ikm_columns,
    grade,
    rollup,
)
from analysis.ikm_sums import compute_ikm_from_sums
from analysis.rounding import round_half_up

# -- the instrument -----------------------------------------------------------


def test_unsur_order_and_fields():
    # Order and names: DOMAIN.md "The SKM instrument" (seed 002 lines 2988-2997).
    assert [u.code for u in UNSUR] == [f"U{i}" for i in range(1, 10)]
    assert UNSUR[0].name == "Persyaratan"
    assert UNSUR[7].name == "Penanganan pengaduan, saran dan masukan"
    assert UNSUR[8].name == "Sarana dan prasarana"
    for u in UNSUR:
        assert u.description
        assert len(u.labels) == 4
    # Answer labels: DOMAIN.md questionnaire table.
    assert UNSUR[3].labels == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    assert UNSUR[7].labels[1] == "Ada tetapi tidak berfungsi"
    assert UNSUR[8].labels == ("Buruk", "Cukup", "Baik", "Sangat baik")


# -- grades ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        # DOMAIN.md grade table: 88.31-100 A; 76.61-88.30 B; 65.00-76.60 C; 25.00-64.99 D.
        (100, ("A", "Sangat Baik")),
        (88.31, ("A", "Sangat Baik")),
        (88.305, ("A", "Sangat Baik")),  # displays as 88.31
        (88.30, ("B", "Baik")),
        (88.3049, ("B", "Baik")),
        (76.61, ("B", "Baik")),
        (76.605, ("B", "Baik")),  # the "graded nothing" gap of closed intervals
        (76.60, ("C", "Kurang Baik")),
        (65.00, ("C", "Kurang Baik")),
        (64.995, ("C", "Kurang Baik")),  # displays as 65.00
        (64.99, ("D", "Tidak Baik")),
        (25, ("D", "Tidak Baik")),
        (Decimal("88.31"), ("A", "Sangat Baik")),
        (Fraction(17661, 200), ("A", "Sangat Baik")),
    ],
)
def test_grade_bands(score, expected):
    assert grade(score) == expected


@pytest.mark.parametrize("bad", [24.99, 100.01, -1, float("nan"), True, "90"])
def test_grade_rejects_out_of_scale(bad):
    with pytest.raises(ValueError):
        grade(bad)


def test_grade_has_no_gaps_or_overlaps():
    # Every 2-decimal score from 25.00 to 100.00 gets exactly one grade, and
    # the grade never improves as the score falls.
    order = "ABCD"
    previous = "A"
    for hundredths in range(10000, 2499, -1):
        g, _ = grade(Decimal(hundredths).scaleb(-2))
        assert order.index(g) >= order.index(previous)
        previous = g
    assert previous == "D"


# -- small hand-computable datasets --------------------------------------------


def _uniform(value):
    return {c: value for c in CODES}


def test_all_fours_is_100_a():
    result = compute_ikm([_uniform(4)] * 7)
    assert result.n_respondents == 7
    assert result.index == 4.0
    assert result.score == 100.0
    assert result.score_display == Decimal("100.00")
    assert (result.grade, result.performance) == ("A", "Sangat Baik")
    assert all(v == 4.0 for v in result.nrr.values())


def test_all_ones_is_25_d():
    result = compute_ikm([_uniform(1)] * 3)
    assert result.score == 25.0
    assert result.grade == "D"


HAND = [
    # U1..U9; None = not answered
    dict(zip(CODES, [4, 3, 3, 4, 3, 3, 4, 4, 3], strict=True)),
    dict(zip(CODES, [3, 3, 2, 4, 3, 3, 4, None, 3], strict=True)),
    dict(zip(CODES, [4, 4, 3, 4, 4, 4, 4, 3, None], strict=True)),
]
# Hand arithmetic for HAND:
#   NRR U1 11/3, U2 10/3, U3 8/3, U4 4, U5 10/3, U6 10/3, U7 4, U8 7/2, U9 3
#   sum = 49/3 + 29/2 = 185/6; IKM = 185/54 = 3.425925...; score = 4625/54 = 85.648148...
#   respondent means m = 31/9, 25/8, 30/8
HAND_NRR = {"U1": Fraction(11, 3), "U2": Fraction(10, 3), "U3": Fraction(8, 3), "U4": Fraction(4),
            "U5": Fraction(10, 3), "U6": Fraction(10, 3), "U7": Fraction(4), "U8": Fraction(7, 2),
            "U9": Fraction(3)}
HAND_SCORE = Fraction(4625, 54)
HAND_M = [31 / 9, 25 / 8, 30 / 8]


def test_hand_dataset_nrr_and_score():
    result = compute_ikm(HAND)
    assert result.n_respondents == 3
    for code, value in HAND_NRR.items():
        assert result.nrr[code] == pytest.approx(float(value), abs=1e-15)
        assert result.nrr_weighted[code] == pytest.approx(float(value / 9), abs=1e-15)
    assert result.counts["U8"] == 2 and result.counts["U9"] == 2 and result.counts["U1"] == 3
    assert result.score_exact == HAND_SCORE
    assert result.index == pytest.approx(185 / 54, abs=1e-15)
    assert result.score == pytest.approx(4625 / 54, abs=1e-12)
    assert result.score_display == Decimal("85.65")
    assert (result.grade, result.performance) == ("B", "Baik")


def test_hand_dataset_weight_pitfall():
    # With weight 0.111 the same data would give 30.8333 x 0.111 x 25 = 85.56
    # and with 0.11, 84.79 (DOMAIN.md "Known pitfalls"); 1/9 gives 85.65.
    result = compute_ikm(HAND)
    naive_0111 = float(sum(HAND_NRR.values())) * 0.111 * 25
    assert str(round_half_up(naive_0111, 2)) == "85.56"
    assert result.score_display == Decimal("85.65")


def test_hand_dataset_interval():
    # Linearised t interval (df = 2) centred on the NRR score, by hand (R survey agrees on the
    # fixture datasets, tests/analysis/test_ikm_linearised.py):
    #   z_i = 25/9 * sum_u r_iu (y_iu - NRR_u) / n_u,  SE = sqrt(n/(n-1) * sum z_i^2)
    z = [Fraction(25, 9) * sum((Fraction(r[c]) - HAND_NRR[c]) / sum(x[c] is not None for x in HAND)
                               for c in CODES if r[c] is not None) for r in HAND]
    assert sum(z) == 0  # influence values of a ratio sum to zero
    se = math.sqrt(Fraction(3, 2) * sum(v * v for v in z))
    # Student t with 2 df has the closed-form quantile (2u - 1) / sqrt(2u(1 - u));
    # at u = 0.975 that is 4.3027 (t tables print 4.303).
    t975 = 0.95 / math.sqrt(2 * 0.975 * 0.025)
    assert round(t975, 3) == 4.303
    assert stats.t.ppf(0.975, 2) == pytest.approx(t975, rel=1e-9)
    result = compute_ikm(HAND)
    assert result.se() == pytest.approx(se, rel=1e-12)
    low, high = result.confidence_interval()
    assert low == pytest.approx(4625 / 54 - t975 * se, rel=1e-12)
    assert high == 100.0  # clipped to the top of the scale


def test_interval_with_population_shrinks_and_census_is_a_point():
    data = HAND * 10  # 30 respondents
    result = compute_ikm(data)
    low, high = result.confidence_interval()
    low_n, high_n = result.confidence_interval(population=60)
    # (1 - 30/60) halves the variance: the half-width shrinks by sqrt(0.5).
    assert (high_n - low_n) == pytest.approx((high - low) * math.sqrt(0.5), rel=1e-12)
    assert result.confidence_interval(population=30) == (result.score, result.score)
    with pytest.raises(ValueError):
        result.confidence_interval(population=29)
    with pytest.raises(ValueError):
        result.confidence_interval(level=1.0)


def test_interval_needs_two_respondents():
    with pytest.raises(ValueError):
        compute_ikm([_uniform(3)]).confidence_interval()


def test_unsur_without_answers_renormalises_weights():
    # Nobody answered U9: weights become 1/8 over U1..U8.
    rows = [dict(_uniform(4), U9=None), dict(_uniform(3), U9=None)]
    result = compute_ikm(rows)
    assert "U9" not in result.nrr
    assert result.counts["U9"] == 0
    assert result.nrr_weighted["U1"] == pytest.approx(3.5 / 8)
    assert result.score == pytest.approx(87.5)  # 25 x 3.5
    assert result.grade == "B"


def test_blank_response_counts_as_respondent_with_zero_influence():
    rows = [_uniform(4), _uniform(3), {}, _uniform(None)]
    result = compute_ikm(rows)
    assert result.n_respondents == 4 and result.df == 3
    assert result.score == pytest.approx(87.5)
    # z = +-25/9 * 9 * 0.5 / 2 for the two who answered, 0 for the blanks: sum z^2 = 2 * 6.25^2.
    assert result.variance() == pytest.approx(4 / 3 * 2 * 6.25 ** 2, rel=1e-12)
    cross = {(u, v): (2, 7, 7, 25) for u, v in PAIRS}
    expected = compute_ikm_from_sums({c: (7, 2) for c in CODES}, 4, cross=cross)
    assert result.confidence_interval() == pytest.approx(expected.confidence_interval(), rel=1e-12)


# -- exact boundary scores, built with 5000 respondents --------------------------


def _two_value_columns(n_high, low_value, n=5000):
    col = np.full(n, low_value, dtype=np.int64)
    col[:n_high] = low_value + 1
    return {c: col for c in CODES}


@pytest.mark.parametrize(
    ("n_high", "low_value", "exact", "display", "mutu"),
    [
        # Each unsur: n_high answers of low_value+1, the rest low_value, over 5000.
        # 2661 fours + 2339 threes: NRR 3.5322, score 88.305 exactly -> 88.31 -> A.
        (2661, 3, Fraction(88305, 1000), "88.31", "A"),
        # Rounding the NRR first (3.53 -> 88.25) would give B: the pitfall avoided.
        (2660, 3, Fraction(8830, 100), "88.30", "B"),
        (321, 3, Fraction(76605, 1000), "76.61", "B"),  # NRR 3.0642
        (320, 3, Fraction(7660, 100), "76.60", "C"),
        (2999, 2, Fraction(64995, 1000), "65.00", "C"),  # NRR 2.5998
        (2998, 2, Fraction(6499, 100), "64.99", "D"),
        # 88.35: with the 0.111 weight it would be 88.26 (B); with 1/9 it is A.
        (2670, 3, Fraction(8835, 100), "88.35", "A"),
    ],
)
def test_boundary_scores(n_high, low_value, exact, display, mutu):
    cols = _two_value_columns(n_high, low_value)
    result = compute_ikm_columns(cols)
    assert result.score_exact == exact
    assert str(result.score_display) == display
    assert result.grade == mutu
    # Same through the mapping API and the SQL-aggregate API.
    rows = [{c: int(cols[c][i]) for c in CODES} for i in range(5000)]
    assert compute_ikm(rows).score_display == result.score_display
    s = 5000 * low_value + n_high
    from_sums = compute_ikm_from_sums({c: (s, 5000) for c in CODES}, 5000)
    assert from_sums.score_exact == exact
    assert from_sums.grade == mutu


# -- compute_ikm_from_sums ---------------------------------------------------


def _hand_cross():
    cross = {}
    for u, v in PAIRS:
        both = [r for r in HAND if r[u] is not None and r[v] is not None]
        cross[(u, v)] = (len(both), sum(r[u] for r in both), sum(r[v] for r in both),
                         sum(r[u] * r[v] for r in both))
    return cross


def test_from_sums_matches_compute_ikm_including_interval():
    sums = {c: (sum(r[c] for r in HAND if r[c] is not None), sum(r[c] is not None for r in HAND))
            for c in CODES}
    result = compute_ikm_from_sums(sums, 3, cross=_hand_cross())
    direct = compute_ikm(HAND)
    assert result.score_exact == direct.score_exact
    assert result.nrr == direct.nrr
    assert result.confidence_interval(0.9) == pytest.approx(direct.confidence_interval(0.9), rel=1e-12)
    assert result.confidence_interval(population=50) == pytest.approx(
        direct.confidence_interval(population=50), rel=1e-12)


def test_from_sums_accepts_sql_types_and_omitted_codes():
    result = compute_ikm_from_sums({"U1": (Decimal(7), 2), "U2": (7.0, np.int64(2))}, 2)
    assert result.score == pytest.approx(87.5)
    assert set(result.nrr) == {"U1", "U2"}
    with pytest.raises(ValueError, match="cross-product"):
        result.confidence_interval()


@pytest.mark.parametrize(
    ("sums", "n", "kwargs"),
    [
        ({"U10": (4, 1)}, 1, {}),  # unknown code
        ({"U1": (5, 1)}, 1, {}),  # sum above 4 x count
        ({"U1": (0, 1)}, 1, {}),  # sum below count
        ({"U1": (4, 2)}, 1, {}),  # more answers than respondents
        ({"U1": (-4, -1)}, 1, {}),  # negative
        ({"U1": (3.5, 1)}, 1, {}),  # non-integral sum
        ({"U1": 4}, 1, {}),  # not a pair
        ({}, 0, {}),  # nothing answered
        ({"U1": (4, 1)}, 1, {"cross": [(1, 4, 4, 16)]}),  # not a mapping of pairs
        ({"U1": (8, 2)}, 2, {"cross": {("U1", "U1"): (2, 8, 8, 33)}}),  # sum of squares above 16 per answer
        ({"U1": (8, 2)}, 2, {"cross": {("U1", "U1"): (2, 9, 9, 32)}}),  # disagrees with the unsur sum
        ({"U1": (8, 2)}, 2, {"cross": {("U1", "U2"): (1, 4, 4, 16)}}),  # a pair with an unanswered unsur
        ({"U1": (8, 2)}, 2, {"cross": {("U1", "U10"): (0, 0, 0, 0)}}),  # unknown unsur
    ],
)
def test_from_sums_rejects_bad_input(sums, n, kwargs):
    with pytest.raises(ValueError):
        compute_ikm_from_sums(sums, n, **kwargs)


# -- bad responses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"U1": 5},
        {"U1": 0},
        {"U1": -1},
        {"U1": 3.0},  # non-integer
        {"U1": True},  # bool is not an answer
        {"U1": "4"},
        {"U10": 4},  # unknown code
        {1: 4},
    ],
)
def test_compute_ikm_rejects_bad_answers(bad):
    with pytest.raises(ValueError):
        compute_ikm([_uniform(4), bad])


def test_compute_ikm_rejects_non_mapping_and_empty():
    with pytest.raises(ValueError):
        compute_ikm([[4] * 9])
    with pytest.raises(ValueError):
        compute_ikm([])
    with pytest.raises(ValueError):
        compute_ikm([_uniform(None)])


def test_columns_api_validation():
    with pytest.raises(ValueError):
        compute_ikm_columns({"U1": [1, 2], "U2": [1]})
    with pytest.raises(ValueError):
        compute_ikm_columns({"U1": np.array([1, 5])})
    with pytest.raises(ValueError):
        compute_ikm_columns({"U1": np.array([1.0, 2.0])})
    with pytest.raises(ValueError):
        compute_ikm_columns({"X": [1]})
    result = compute_ikm_columns({"U1": [4, None, 3], "U2": np.array([4, 4, 0])})
    assert result.nrr == {"U1": 3.5, "U2": 4.0}
    assert result.n_respondents == 3


# -- roll-up ------------------------------------------------------------------------


def test_rollup_table_3_29():
    # Seed 002 Table 3.29 (lines 3034-3040): ministry IKM 90.33 from five Eselon I units.
    parts = [(91.11, 5023), (89.15, 9413), (91.68, 2264), (92.17, 1047), (93.95, 633)]
    value = rollup(parts)
    assert str(round_half_up(value, 2)) == "90.33"
    # The unweighted mean would be 91.61, not what the ministry reports.
    assert str(round_half_up(sum(s for s, _ in parts) / 5, 2)) == "91.61"


def test_rollup_validation():
    with pytest.raises(ValueError):
        rollup([])
    with pytest.raises(ValueError):
        rollup([(90, 0)])
    with pytest.raises(ValueError):
        rollup([(90, -1)])
    with pytest.raises(ValueError):
        rollup([(190, 10)])
    with pytest.raises(ValueError):
        rollup([(90,)])
