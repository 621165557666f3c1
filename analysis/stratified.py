"""Stratified simple random sampling without replacement (e.g. pendamping per jenis).

Estimates equal R survey's svymean for svydesign(id=~1, strata=~h, fpc=~N_h):
  estimate = sum_h W_h ybar_h,                 W_h = N_h / N
  V        = sum_h W_h^2 (1 - n_h/N_h) s_h^2 / n_h
The interval uses Student t with the design degrees of freedom n - H, as
Stata's svy does and as R gives with confint(..., df = degf(design)); R's
default confint uses the normal quantile, which is narrower for small n.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from ._validate import as_count, as_level, as_real


@dataclass(frozen=True)
class Stratum:
    """One stratum: its population size and its sample (values, or successes out of n)."""

    population: int
    values: Sequence[float] | None = None
    successes: int | None = None
    n: int | None = None

    def __post_init__(self) -> None:
        big_n = as_count(self.population, "population", minimum=1)
        object.__setattr__(self, "population", big_n)
        if self.values is not None:
            if self.successes is not None or self.n is not None:
                raise ValueError("give a stratum either values or successes and n, not both")
            vals = tuple(as_real(v, "value") for v in self.values)
            if not vals:
                raise ValueError("a stratum needs at least one sampled value")
            object.__setattr__(self, "values", vals)
            n = len(vals)
        else:
            if self.successes is None or self.n is None:
                raise ValueError("give a stratum either values or both successes and n")
            n = as_count(self.n, "n", minimum=1)
            x = as_count(self.successes, "successes")
            if x > n:
                raise ValueError(f"successes ({x}) cannot exceed n ({n})")
            object.__setattr__(self, "n", n)
            object.__setattr__(self, "successes", x)
        if n > big_n:
            raise ValueError(f"sample size {n} exceeds stratum population {big_n}")
        object.__setattr__(self, "n", n)

    @property
    def mean(self) -> float:
        if self.values is not None:
            return math.fsum(self.values) / self.n
        return self.successes / self.n

    @property
    def variance(self) -> float:
        """Sample variance s_h^2 (divisor n_h - 1); for 0/1 data n p q / (n - 1)."""
        if self.n < 2:
            return 0.0
        if self.values is not None:
            m = self.mean
            return math.fsum((v - m) ** 2 for v in self.values) / (self.n - 1)
        p = self.mean
        return self.n * p * (1.0 - p) / (self.n - 1)

    @property
    def is_binary(self) -> bool:
        return self.values is None or all(v in (0.0, 1.0) for v in self.values)


@dataclass(frozen=True)
class StratifiedEstimate:
    estimate: float
    se: float
    low: float
    high: float
    df: int
    level: float
    n: int
    population: int


def _estimate(strata: Sequence[Stratum], level: float) -> StratifiedEstimate:
    level = as_level(level)
    strata = list(strata)
    if not strata:
        raise ValueError("at least one stratum is needed")
    for i, s in enumerate(strata):
        if not isinstance(s, Stratum):
            raise ValueError(f"stratum {i} is not a Stratum")
        if s.n < 2 and s.n < s.population:
            raise ValueError(
                f"stratum {i} has a single sampled unit out of {s.population}: its variance cannot be estimated"
            )
    big_n = sum(s.population for s in strata)
    n = sum(s.n for s in strata)
    estimate = math.fsum(s.population * s.mean for s in strata) / big_n
    var = math.fsum(
        (s.population / big_n) ** 2 * (1.0 - s.n / s.population) * s.variance / s.n for s in strata
    )
    se = math.sqrt(var)
    df = n - len(strata)
    if se == 0.0:
        low = high = estimate
    elif df < 1:
        raise ValueError("an interval needs more sampled units than strata (df = n - H >= 1)")
    else:
        half = float(stats.t.ppf(0.5 + level / 2.0, df)) * se
        low, high = estimate - half, estimate + half
    return StratifiedEstimate(estimate, se, low, high, df, level, n, big_n)


def stratified_mean(strata: Sequence[Stratum], level: float = 0.95) -> StratifiedEstimate:
    """Population mean from a stratified SRS; matches R survey svymean with fpc."""
    return _estimate(strata, level)


def stratified_proportion(strata: Sequence[Stratum], level: float = 0.95) -> StratifiedEstimate:
    """Population proportion from a stratified SRS (0-1 scale).

    estimate and se are svymean's (Cochran 1977, ch. 5). The interval is the
    Wilson score interval on the Kish effective sample size with each stratum's
    finite-population correction (analysis.proportion.weighted_proportion,
    weights N_h): a Wald interval would collapse to [0, 0] when every stratum
    has p = 0 although nothing is a census (Korn & Graubard 1998).
    """
    from .proportion import weighted_proportion

    for i, s in enumerate(strata):
        if isinstance(s, Stratum) and not s.is_binary:
            raise ValueError(f"stratum {i}: a proportion needs 0/1 values or successes and n")
    r = _estimate(strata, level)
    parts = [(round(s.mean * s.n), s.n, s.population) for s in strata]
    w = weighted_proportion(parts, [s.population for s in strata], r.level)
    return StratifiedEstimate(r.estimate, r.se, min(w.low, r.estimate), max(w.high, r.estimate), r.df, r.level, r.n,
                              r.population)
