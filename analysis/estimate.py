"""An estimate that knows its own sampling error: value, linearised variance, degrees of freedom.

Roll-ups and comparisons combine IKM scores whose variances are already
linearised (analysis.ikm); carrying (value, variance, df) together means every
interval shown is the interval of the figure beside it, never a pooled one.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from ._validate import as_count, as_level, as_real

SCALE = (25.0, 100.0)  # the IKM scale; intervals are clipped to it


@dataclass(frozen=True)
class Estimate:
    value: float
    variance: float
    df: float

    def __post_init__(self) -> None:
        as_real(self.value, "value")
        if as_real(self.variance, "variance") < 0:
            raise ValueError(f"variance must be non-negative, got {self.variance!r}")
        if not as_real(self.df, "df") > 0:
            raise ValueError(f"df must be positive, got {self.df!r}")

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)

    def interval(self, level: float = 0.95, clip: tuple[float, float] | None = SCALE) -> tuple[float, float]:
        """value +- t(df) SE, clipped to the scale (a census gives the point itself)."""
        level = as_level(level)
        half = float(stats.t.ppf(0.5 + level / 2.0, self.df)) * self.se
        low, high = self.value - half, self.value + half
        if clip is not None:
            low, high = max(clip[0], low), min(clip[1], high)
        return low, high


def _weighted(parts: Sequence[tuple[float, float, int]], weights: Sequence[float]) -> Estimate:
    # Lists, not generators, into fsum: a report weights thousands of layanan, several times.
    total = math.fsum(weights)
    value = math.fsum([w * v for w, (v, _var, _n) in zip(weights, parts, strict=True)]) / total
    variance = math.fsum([(w / total) ** 2 * var for w, (_v, var, _n) in zip(weights, parts, strict=True)])
    n = sum([n for _v, _var, n in parts])
    return Estimate(value, variance, n - len(parts))


def _check_parts(parts) -> list[tuple[float, float, int]]:
    checked = []
    for i, part in enumerate(parts):
        try:
            value, variance, n = part
        except (TypeError, ValueError):
            raise ValueError(f"part {i}: expected (score, variance, n), got {part!r}") from None
        if type(n) is int and n >= 2 and type(variance) is float and type(value) is float \
                and 0.0 <= variance < math.inf and math.isfinite(value):
            checked.append((value, variance, n))  # the common case, what the checks below would return
            continue
        n = as_count(n, f"part {i} n", minimum=2)
        variance = as_real(variance, f"part {i} variance")
        if variance < 0:
            raise ValueError(f"part {i}: variance must be non-negative")
        checked.append((as_real(value, f"part {i} score"), variance, n))
    if not checked:
        raise ValueError("a roll-up needs at least one layanan with respondents")
    return checked


def respondent_weighted(parts) -> Estimate:
    """The ministry roll-up (seed 002 Table 3.29): sum_h w_h S_h, w_h = n_h / sum n.

    Layanan are strata sampled independently, so Var = sum_h w_h^2 Var_h with
    each Var_h linearised (Cochran 1977, section 5.3); df = sum n_h - H, the
    degrees of freedom of a stratified design (R survey's degf). ``parts`` are
    (score, variance, n) per layanan with n >= 2.
    """
    parts = _check_parts(parts)
    return _weighted(parts, [n for _v, _var, n in parts])


def population_weighted(parts, populations) -> Estimate:
    """Stratified estimate of the unit's population score: sum_h W_h S_h, W_h = N_h / sum N.

    Only this one estimates the unit's population when sampling fractions are
    unequal (Cochran 1977, ch. 5). Variances should already carry each
    stratum's fpc (1 - n_h/N_h).
    """
    parts = _check_parts(parts)
    pops = [as_count(p, f"population {i}", minimum=1) for i, p in enumerate(populations)]
    if len(pops) != len(parts):
        raise ValueError("one population per part")
    return _weighted(parts, pops)
