from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from analysis.rounding import format_id, round_half_up


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # The brief's binary-float trap: the float 88.305 is 88.30499999... in
        # binary, but it was written and shown as 88.305, so it rounds up.
        (88.305, "88.31"),
        (88.30499, "88.30"),
        (76.605, "76.61"),
        (64.995, "65.00"),
        # Python's own round(2.675, 2) gives 2.67 (binary); half-up on the
        # decimal gives 2.68, as a spreadsheet's ROUND does.
        (2.675, "2.68"),
        (1.005, "1.01"),
        (-1.005, "-1.01"),  # half away from zero, like Decimal ROUND_HALF_UP
        (100, "100.00"),
        (Decimal("90.334"), "90.33"),
        (Fraction(88305, 1000), "88.31"),
        (Fraction(17661, 200), "88.31"),  # 88.305 exactly
        (Fraction(-17661, 200), "-88.31"),
        (np.float64(88.305), "88.31"),
    ],
)
def test_round_half_up(value, expected):
    assert round_half_up(value, 2) == Decimal(expected)
    assert str(round_half_up(value, 2)) == expected


def test_round_half_up_places():
    assert round_half_up(98.0101, 0) == Decimal("98")
    assert round_half_up(0.5, 0) == Decimal("1")
    assert str(round_half_up(1 / 3, 4)) == "0.3333"


@pytest.mark.parametrize("bad", [True, float("nan"), float("inf"), "88.3", None, Decimal("NaN")])
def test_round_half_up_rejects(bad):
    with pytest.raises(ValueError):
        round_half_up(bad)


def test_round_half_up_rejects_bad_places():
    with pytest.raises(ValueError):
        round_half_up(1.0, -1)
    with pytest.raises(ValueError):
        round_half_up(1.0, 1.5)


def test_format_id_uses_indonesian_separators():
    assert format_id(55.53703858011833) == "55,54"
    assert format_id(12001, 0) == "12.001"
    assert format_id(1234567.891) == "1.234.567,89"
    assert format_id(-0.125) == "-0,13"
