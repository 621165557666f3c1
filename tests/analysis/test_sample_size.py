"""Sample sizes. The Krejcie & Morgan values are Table 1 of Krejcie, R. V. &
Morgan, D. W. (1970), "Determining sample size for research activities",
Educational and Psychological Measurement 30, 607-610, as reproduced in
public copies of the table (e.g. the Scribd page "Determining Sample Size",
and the studylib copy of the article)."""
import math

import pytest

from analysis.sample_size import (
    KREJCIE_MORGAN_TABLE,
    cochran,
    krejcie_morgan,
    krejcie_morgan_formula,
    margin_of_error,
    slovin,
)

# The published table, typed in column by column from the copies above (not
# generated): N, S pairs.
PUBLISHED = """
10 10  15 14  20 19  25 24  30 28  35 32  40 36  45 40  50 44  55 48  60 52  65 56  70 59  75 63  80 66
85 70  90 73  95 76  100 80  110 86  120 92  130 97  140 103  150 108  160 113  170 118  180 123
190 127  200 132  210 136  220 140  230 144  240 148  250 152  260 155  270 159  280 162  290 165
300 169  320 175  340 181  360 186  380 191  400 196  420 201  440 205  460 210  480 214  500 217
550 226  600 234  650 242  700 248  750 254  800 260  850 265  900 269  950 274  1000 278  1100 285
1200 291  1300 297  1400 302  1500 306  1600 310  1700 313  1800 317  1900 320  2000 322  2200 327
2400 331  2600 335  2800 338  3000 341  3500 346  4000 351  4500 354  5000 357  6000 361  7000 364
8000 367  9000 368  10000 370  15000 375  20000 377  30000 379  40000 380  50000 381  75000 382
1000000 384
"""
_nums = [int(v) for v in PUBLISHED.split()]
TABLE = dict(zip(_nums[::2], _nums[1::2], strict=True))


def test_published_table_is_complete():
    assert len(TABLE) == 90
    assert TABLE == KREJCIE_MORGAN_TABLE


@pytest.mark.parametrize(("big_n", "s"), sorted(TABLE.items()))
def test_krejcie_morgan_table(big_n, s):
    assert krejcie_morgan(big_n) == s
    # The paper's formula with X^2 = 3.841, rounded to nearest, reproduces every entry,
    # so it is safe for N between table rows.
    assert krejcie_morgan_formula(big_n) == s


def test_krejcie_morgan_between_rows():
    # ATENSI population (seed 002): 12,001 lies between 10,000 (370) and 15,000 (375).
    s = krejcie_morgan(12001)
    assert 370 <= s <= 375
    # Hand arithmetic: 3.841 x 12001 x 0.25 / (0.0025 x 12000 + 0.96025) = 372.3
    assert s == 372
    # 100,000 is not a row of the published table; the formula gives 382.6 -> 383.
    assert krejcie_morgan(100000) == 383
    assert krejcie_morgan(5) == 5  # never more than the population
    assert krejcie_morgan(1) == 1


def test_krejcie_morgan_is_monotone():
    values = [krejcie_morgan(n) for n in range(1, 3001)]
    assert all(a <= b for a, b in zip(values, values[1:], strict=False))


def test_slovin():
    # Hand arithmetic: 1000 / (1 + 1000 x 0.0025) = 285.71 -> 286; 400 / 2 = 200 exactly.
    assert slovin(1000) == 286
    assert slovin(400) == 200
    assert slovin(400, e=0.1) == 80  # 400 / 5
    # KAT population (seed 002): 1620 / (1 + 1620 x 0.0025) = 1620 / 5.05 = 320.79 -> 321
    assert slovin(1620, e=0.05) == 321


def test_cochran():
    # Cochran (1977): n0 = 1.96^2 x 0.25 / 0.05^2 = 384.16 -> 385, the textbook figure.
    assert cochran() == 385
    # With N = 1000: 384.146 / (1 + 383.146/1000) = 277.74 -> 278, the K&M table value.
    assert cochran(1000) == 278
    # 10% margin: 96.04 -> 97
    assert cochran(margin=0.1) == 97
    assert cochran(N=50) <= 50


def test_cochran_agrees_with_krejcie_morgan():
    # Same formula; K&M uses X^2 = 3.841 (vs 1.959964^2 = 3.8415) and rounds to
    # nearest where Cochran rounds up, so they never differ by more than one.
    for big_n, s in TABLE.items():
        assert abs(cochran(big_n) - s) <= 1, big_n


def test_margin_of_error():
    # z sqrt(pq/n): 1.959964 x sqrt(0.25/385) = 0.049945
    assert margin_of_error(385) == pytest.approx(1.959963984540054 * math.sqrt(0.25 / 385), rel=1e-12)
    assert margin_of_error(385) < 0.05
    # A K&M-sized sample achieves about +-5 points at its N (for small N the
    # rounding of s to whole respondents moves the margin noticeably).
    for big_n, s in TABLE.items():
        if big_n >= 500:
            assert margin_of_error(s, big_n) == pytest.approx(0.05, abs=0.0005), big_n
    assert margin_of_error(20, 20) == 0.0
    assert margin_of_error(100, p=0.0) == 0.0


@pytest.mark.parametrize(
    ("func", "args", "kwargs"),
    [
        (krejcie_morgan, (0,), {}),
        (krejcie_morgan, (-5,), {}),
        (krejcie_morgan, (10.5,), {}),
        (slovin, (100,), {"e": 0}),
        (slovin, (100,), {"e": 1.5}),
        (cochran, (), {"p": 0}),
        (cochran, (), {"margin": 0}),
        (cochran, (), {"level": 1}),
        (cochran, (0,), {}),
        (margin_of_error, (0,), {}),
        (margin_of_error, (10,), {"N": 5}),
        (margin_of_error, (10,), {"p": 1.5}),
    ],
)
def test_rejects_bad_input(func, args, kwargs):
    with pytest.raises(ValueError):
        func(*args, **kwargs)
