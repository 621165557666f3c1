"""Input checks shared by the analysis modules.

Every public function rejects bad input with a ValueError that names the
argument, so a form or an import can show the message as it is.
"""
from __future__ import annotations

import math
from decimal import Decimal
from numbers import Integral, Real


def as_count(x, name: str, *, minimum: int = 0) -> int:
    """An integer count; integral floats/Decimals (from SQL SUM) are accepted."""
    if type(x) is int:  # the common case first: the ABC checks below cost microseconds each
        value = x
    elif isinstance(x, bool) or x is None:
        raise ValueError(f"{name} must be an integer count, got {x!r}")
    elif isinstance(x, Integral):
        value = int(x)
    elif isinstance(x, Decimal | Real):
        try:
            f = Decimal(x) if isinstance(x, Decimal) else Decimal(repr(float(x)))
        except (ValueError, ArithmeticError) as exc:
            raise ValueError(f"{name} must be an integer count, got {x!r}") from exc
        if not f.is_finite() or f != f.to_integral_value():
            raise ValueError(f"{name} must be an integer count, got {x!r}")
        value = int(f)
    else:
        raise ValueError(f"{name} must be an integer count, got {x!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def as_real(x, name: str) -> float:
    """A finite real number (int, float, Decimal, numpy scalar)."""
    if type(x) is float or type(x) is int:  # the common case, without the ABC checks (thousands per report)
        value = float(x)
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {x!r}")
        return value
    if isinstance(x, bool) or x is None or not isinstance(x, Real | Decimal):
        raise ValueError(f"{name} must be a number, got {x!r}")
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return value


def as_level(level) -> float:
    """A confidence level strictly between 0 and 1."""
    value = as_real(level, "level")
    if not 0.0 < value < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return value


def as_population(population, n: int, name: str = "population") -> int | None:
    """An optional population size that cannot be smaller than the sample."""
    if population is None:
        return None
    value = as_count(population, name, minimum=1)
    if n > value:
        raise ValueError(f"sample size {n} exceeds {name} {value}")
    return value
