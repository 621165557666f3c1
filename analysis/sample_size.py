"""Sample sizes for SKM and monev, and the margin of error a sample achieves.

Krejcie & Morgan (1970), Cochran (1977) with the finite-population correction
and margin_of_error share one formula, n = z^2 N P Q / (d^2 (N-1) + z^2 P Q),
so a sample sized by one has exactly the margin the other reports. Slovin is
provided because Indonesian practice uses it, not because it is recommended.
"""
from __future__ import annotations

import math
from fractions import Fraction

from scipy import stats

from ._validate import as_count, as_level, as_real

# Krejcie & Morgan (1970), Table 1 "Table for Determining Sample Size from a
# Given Population", Educational and Psychological Measurement 30, 607-610.
KREJCIE_MORGAN_TABLE: dict[int, int] = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48,
    60: 52, 65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86,
    120: 92, 130: 97, 140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127, 200: 132, 210: 136,
    220: 140, 230: 144, 240: 148, 250: 152, 260: 155, 270: 159, 280: 162, 290: 165, 300: 169, 320: 175,
    340: 181, 360: 186, 380: 191, 400: 196, 420: 201, 440: 205, 460: 210, 480: 214, 500: 217, 550: 226,
    600: 234, 650: 242, 700: 248, 750: 254, 800: 260, 850: 265, 900: 269, 950: 274, 1000: 278, 1100: 285,
    1200: 291, 1300: 297, 1400: 302, 1500: 306, 1600: 310, 1700: 313, 1800: 317, 1900: 320, 2000: 322,
    2200: 327, 2400: 331, 2600: 335, 2800: 338, 3000: 341, 3500: 346, 4000: 351, 4500: 354, 5000: 357,
    6000: 361, 7000: 364, 8000: 367, 9000: 368, 10000: 370, 15000: 375, 20000: 377, 30000: 379,
    40000: 380, 50000: 381, 75000: 382, 1000000: 384,
}

_CHI2_KM = Fraction("3.841")  # the paper's chi-square for 1 df at 0.95


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2.0))


def _half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def _ceil_float(x: float) -> int:
    # z is irrational, so an exact integer result is impossible; the guard only
    # stops 385.0000000000001-style float noise from adding a respondent.
    return math.ceil(x - 1e-9)


def krejcie_morgan(N) -> int:
    """Required sample for population N at 95% confidence, d = 0.05, P = 0.5.

    Tabulated N return the published value; other N use the paper's formula
    s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)) with X^2 = 3.841, rounded to
    the nearest integer (halves up) - the rule that reproduces all 90
    published entries.
    """
    big_n = as_count(N, "N", minimum=1)
    if big_n in KREJCIE_MORGAN_TABLE:
        return KREJCIE_MORGAN_TABLE[big_n]
    return krejcie_morgan_formula(big_n)


def krejcie_morgan_formula(N) -> int:
    """The paper's formula alone (exact rational arithmetic, nearest integer, halves up)."""
    big_n = as_count(N, "N", minimum=1)
    pq = Fraction(1, 4)
    d2 = Fraction(1, 400)
    s = _CHI2_KM * big_n * pq / (d2 * (big_n - 1) + _CHI2_KM * pq)
    return min(big_n, _half_up(s))


def slovin(N, e=0.05) -> int:
    """Slovin's n = N / (1 + N e^2), rounded up; exact in decimal so 400 at 5% is 200."""
    big_n = as_count(N, "N", minimum=1)
    e_val = as_real(e, "e")
    if not 0.0 < e_val < 1.0:
        raise ValueError(f"e must be strictly between 0 and 1, got {e!r}")
    ef = Fraction(repr(float(e)))
    n = Fraction(big_n) / (1 + big_n * ef * ef)
    return min(big_n, math.ceil(n))


def _check_p(p) -> float:
    p = as_real(p, "p")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    return p


def cochran(N=None, p=0.5, margin=0.05, level=0.95) -> int:
    """Cochran's n0 = z^2 p q / d^2, with n = n0 / (1 + (n0 - 1)/N) when N is known; rounded up."""
    p = _check_p(p)
    d = as_real(margin, "margin")
    if not 0.0 < d < 1.0:
        raise ValueError(f"margin must be strictly between 0 and 1, got {margin!r}")
    level = as_level(level)
    z = _z(level)
    n0 = z * z * p * (1.0 - p) / (d * d)
    if N is None:
        return _ceil_float(n0)
    big_n = as_count(N, "N", minimum=1)
    n = n0 / (1.0 + (n0 - 1.0) / big_n)
    return min(big_n, _ceil_float(n))


def margin_of_error(n, N=None, p=0.5, level=0.95) -> float:
    """Half-width z sqrt(p q / n) of a proportion's interval, times sqrt((N-n)/(N-1)) when N is known.

    Returned as a proportion (0.05 = 5 percentage points); a census has margin 0.
    """
    n = as_count(n, "n", minimum=1)
    p = as_real(p, "p")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be between 0 and 1, got {p!r}")
    level = as_level(level)
    moe = _z(level) * math.sqrt(p * (1.0 - p) / n)
    if N is None:
        return moe
    big_n = as_count(N, "N", minimum=1)
    if n > big_n:
        raise ValueError(f"sample size {n} exceeds population {big_n}")
    if big_n == 1:
        return 0.0
    return moe * math.sqrt((big_n - n) / (big_n - 1))
