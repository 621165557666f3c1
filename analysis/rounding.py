"""Display rounding shared by every figure the service shows.

Numbers are carried unrounded through every computation; only display goes
through here, so that one rule (half-up on the decimal value) applies everywhere.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational, Real


def _to_decimal(x) -> Decimal | Fraction:
    if isinstance(x, bool):
        raise ValueError("a boolean is not a number to round")
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"cannot round {x}")
        return x
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, Fraction | Rational):
        return Fraction(x)
    if isinstance(x, Real):
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"cannot round {x}")
        # repr() gives the shortest string that reads back as the same float,
        # i.e. the decimal the user typed or saw: 88.305 stays 88.305 instead
        # of the binary 88.30499999999999971578...
        return Decimal(repr(f))
    raise ValueError(f"cannot round a {type(x).__name__}")


def round_half_up(x, places: int = 2) -> Decimal:
    """Round half away from zero, as Indonesian reports and spreadsheets do.

    Floats are read through their shortest decimal representation, so a score
    printed as 88.305 rounds to 88.31. Fractions are rounded exactly.
    """
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError("places must be a non-negative integer")
    value = _to_decimal(x)
    quantum = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        scaled = abs(value) * 10**places
        q = math.floor(scaled + Fraction(1, 2))
        result = Decimal(q).scaleb(-places)
        return -result if value < 0 else result
    try:
        return value.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # pragma: no cover - absurdly large numbers
        raise ValueError(f"cannot round {x} to {places} places") from exc


def format_id(x, places: int = 2) -> str:
    """Format a number the Indonesian way (12.001 ; 78,15) for messages and reports."""
    d = round_half_up(x, places)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):,.{places}f}"  # 12,001.50
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return sign + text
