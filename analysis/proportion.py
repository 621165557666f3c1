"""Confidence intervals for a sample proportion, with or without a finite population.

Indicators such as "KPM meningkat pendapatan" are n successes out of t sampled
from a known population N. Which interval is right depends on n, on p being near
0 or 1 and on the sampling fraction t/N; docs/METHODS.md explains the choice.

Finite-population handling (population=N given):
- the reported ``se`` and the Wald interval use the unbiased survey variance
  p(1-p)/(n-1) x (N-n)/N (Cochran 1977, eq. 3.11; R survey / samplingbook);
- Wilson, Agresti-Coull, Jeffreys and Clopper-Pearson replace n by the
  effective size n_eff = n (N-1)/(N-n), i.e. they use the exact SRSWOR variance
  P(1-P)/n x (N-n)/(N-1) at the hypothesised P, and x by p n_eff;
- "exact" inverts the hypergeometric distribution: the standard exact interval
  [smallest accepted M, largest accepted M] (Buonaccorsi 1987; Wang 2015).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from scipy import stats

from ._validate import as_count, as_level, as_population

METHODS = ("wald", "wilson", "agresti-coull", "jeffreys", "clopper-pearson", "exact")


@dataclass(frozen=True)
class ProportionEstimate:
    """A proportion with its interval; p, low, high and se are on the 0-1 scale."""

    p: float
    low: float
    high: float
    se: float
    method: str
    n: int
    population: int | None
    level: float
    successes: int

    @property
    def width(self) -> float:
        return self.high - self.low


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2.0))


def _survey_se(x: int, n: int, population: int | None) -> float:
    p = x / n
    pq = p * (1.0 - p)
    if population is None:
        return math.sqrt(pq / n)
    if pq == 0.0 or n == population:
        return 0.0
    return math.sqrt(pq / (n - 1) * (population - n) / population)


def _effective(x: int, n: int, population: int | None) -> tuple[float, float]:
    """Effective (successes, size) that carry the finite-population correction."""
    if population is None:
        return float(x), float(n)
    n_eff = n * (population - 1) / (population - n)
    return x / n * n_eff, n_eff


def _wald(x, n, population, z):
    p = x / n
    half = z * _survey_se(x, n, population)
    return _clip(p - half), _clip(p + half)


def _wilson(xe, ne, z):
    p = xe / ne
    z2 = z * z
    denom = 1.0 + z2 / ne
    centre = (p + z2 / (2.0 * ne)) / denom
    half = z * math.sqrt(p * (1.0 - p) / ne + z2 / (4.0 * ne * ne)) / denom
    low, high = centre - half, centre + half
    # The score interval always contains p; guard the last ulp at p = 0 or 1.
    return _clip(min(low, p)), _clip(max(high, p))


def _agresti_coull(xe, ne, z):
    z2 = z * z
    n_t = ne + z2
    p_t = (xe + z2 / 2.0) / n_t
    half = z * math.sqrt(p_t * (1.0 - p_t) / n_t)
    return _clip(p_t - half), _clip(p_t + half)


def _jeffreys(xe, ne, alpha):
    # Equal-tailed Jeffreys interval, with Brown, Cai & DasGupta's (2001) rule
    # that the bound is 0 when x = 0 and 1 when x = n.
    low = 0.0 if xe <= 0 else float(stats.beta.ppf(alpha / 2, xe + 0.5, ne - xe + 0.5))
    high = 1.0 if xe >= ne else float(stats.beta.ppf(1 - alpha / 2, xe + 0.5, ne - xe + 0.5))
    return _clip(low), _clip(high)


def _clopper_pearson(xe, ne, alpha):
    low = 0.0 if xe <= 0 else float(stats.beta.ppf(alpha / 2, xe, ne - xe + 1))
    high = 1.0 if xe >= ne else float(stats.beta.ppf(1 - alpha / 2, xe + 1, ne - xe))
    return _clip(low), _clip(high)


# A tail probability this close to alpha/2 (relative) is re-decided exactly.
TIE_TOLERANCE = 1e-9


def _exact_tail_rejects(x: int, n: int, big_n: int, m: int, upper: bool, half_alpha: Fraction) -> bool:
    """True when P(X >= x | M = m) (upper) or P(X <= x | M = m) is <= alpha/2, in integer arithmetic."""
    ks = range(x, min(n, m) + 1) if upper else range(max(0, n - (big_n - m)), x + 1)
    numerator = sum(math.comb(m, k) * math.comb(big_n - m, n - k) for k in ks)
    return numerator * half_alpha.denominator <= half_alpha.numerator * math.comb(big_n, n)


def hypergeometric_bounds(x: int, n: int, population: int, level: float = 0.95) -> tuple[int, int]:
    """Exact bounds (M_low, M_high) for the number of successes in the population.

    The standard exact interval (Buonaccorsi 1987, Am. Stat. 41; Wang 2015, JASA 110):
    the smallest and the largest M that neither one-sided test at alpha/2 rejects,
    i.e. with P(X >= x | M) > alpha/2 and P(X <= x | M) > alpha/2. A tail equal
    to alpha/2 is rejected. Tails come from scipy; one within TIE_TOLERANCE
    (relative) of alpha/2 is decided again with exact integer sums of binomial
    coefficients against alpha/2 read as the exact decimal of ``level``, so
    floating-point noise never moves a bound. Both tails are monotone in M, so
    bisection finds the bounds in O(log N) distribution evaluations.
    """
    x = as_count(x, "successes")
    n = as_count(n, "n", minimum=1)
    if x > n:
        raise ValueError(f"successes ({x}) cannot exceed n ({n})")
    population = as_population(population, n)
    if population is None:
        raise ValueError("population is required for the hypergeometric interval")
    level = as_level(level)
    half_exact = (1 - Fraction(repr(level))) / 2
    half_alpha = float(half_exact)
    big_n = population

    def rejects(m: int, upper: bool) -> bool:
        # upper: P(X >= x | M = m), increasing in m; lower: P(X <= x | M = m), decreasing in m
        dist = stats.hypergeom(big_n, m, n)
        tail = float(dist.sf(x - 1) if upper else dist.cdf(x))
        if abs(tail - half_alpha) <= TIE_TOLERANCE * half_alpha:
            return _exact_tail_rejects(x, n, big_n, m, upper, half_exact)
        return tail <= half_alpha

    # M must allow what was observed; each tail is 1 at its own end (hi for the upper, lo for the lower)
    lo, hi = x, big_n - (n - x)
    # smallest m in [lo, hi] that the upper-tail test accepts
    a, b = lo, hi
    while a < b:
        mid = (a + b) // 2
        if rejects(mid, upper=True):
            a = mid + 1
        else:
            b = mid
    m_low = a
    # largest m in [lo, hi] that the lower-tail test accepts
    a, b = lo, hi
    while a < b:
        mid = (a + b + 1) // 2
        if rejects(mid, upper=False):
            b = mid - 1
        else:
            a = mid
    return m_low, a


def estimate_proportion(successes, n, population=None, level=0.95, method="wilson") -> ProportionEstimate:
    """Estimate successes/n with a confidence interval that respects a known population.

    All bounds lie in [0, 1]; p = 0 and p = 1 give proper intervals. With a
    population every method applies the finite-population correction, and a
    census (n == population) gives the zero-width interval [p, p].
    """
    x = as_count(successes, "successes")
    n = as_count(n, "n", minimum=1)
    if x > n:
        raise ValueError(f"successes ({x}) cannot exceed n ({n})")
    population = as_population(population, n)
    level = as_level(level)
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    method = method.lower()

    p = x / n
    se = _survey_se(x, n, population)
    alpha = 1.0 - level

    if population is not None and n == population:
        low = high = p
    elif method == "wald":
        low, high = _wald(x, n, population, _z(level))
    elif method == "exact" and population is not None:
        m_low, m_high = hypergeometric_bounds(x, n, population, level)
        low, high = m_low / population, m_high / population
    else:
        xe, ne = _effective(x, n, population)
        if method == "wilson":
            low, high = _wilson(xe, ne, _z(level))
        elif method == "agresti-coull":
            low, high = _agresti_coull(xe, ne, _z(level))
        elif method == "jeffreys":
            low, high = _jeffreys(xe, ne, alpha)
        else:  # clopper-pearson, or exact without a population
            low, high = _clopper_pearson(xe, ne, alpha)

    return ProportionEstimate(
        p=p, low=low, high=high, se=se, method=method, n=n, population=population, level=level, successes=x
    )


@dataclass(frozen=True)
class WeightedProportion:
    """A weighted combination of independent sample proportions (0-1 scale) with its interval.

    ``se`` is the usual survey (Wald) standard error sqrt(sum w^2 p q/(n-1) (N-n)/N),
    reported for reference; the interval does not use it. ``n_eff`` is None for a census.
    """

    p: float
    low: float
    high: float
    se: float
    n_eff: float | None
    level: float
    n: int


def weighted_proportion(parts, weights, level: float = 0.95) -> WeightedProportion:
    """Wilson score interval for p = sum_h w_h x_h/n_h on the Kish effective sample size.

    ``parts`` are (successes, n, population or None) of independent simple random
    samples; ``weights`` are non-negative and normalised here (N_h for a
    stratified estimate, equal weights for the ministry's unweighted mean of
    per-type percentages, 0.8/0.2 for a composite). Under a common P the variance
    of p is P(1-P)/n_eff with

        n_eff = 1 / sum_h w_h^2 c_h / n_h,   c_h = (N_h - n_h)/(N_h - 1), 1 without N_h,

    Kish's (1965) effective sample size for unequal weights with the
    finite-population correction of each sample. The Wilson interval inverts the
    score test with that variance, as Wilson with N does for one sample (one part
    gives exactly estimate_proportion(..., method="wilson")). Unlike the Wald
    interval it does not collapse to a point when every p_h is 0 or 1 (Korn &
    Graubard 1998 make the same point for their effective-n interval; Dean &
    Pagano 2015 find Wilson on the effective n among the best). Parts sampled
    completely contribute no variance; if all are, the interval is [p, p].
    """
    level = as_level(level)
    rows = []
    for i, part in enumerate(parts):
        try:
            x, n, population = part
        except (TypeError, ValueError):
            raise ValueError(f"part {i}: expected (successes, n, population), got {part!r}") from None
        x = as_count(x, f"part {i} successes")
        n = as_count(n, f"part {i} n", minimum=1)
        if x > n:
            raise ValueError(f"part {i}: successes ({x}) cannot exceed n ({n})")
        rows.append((x, n, as_population(population, n, f"part {i} population")))
    w = [float(v) for v in weights]
    if not rows or len(w) != len(rows):
        raise ValueError(f"{len(rows)} parts but {len(w)} weights; at least one part is needed")
    if any(not math.isfinite(v) or v < 0 for v in w) or math.fsum(w) <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    total = math.fsum(w)
    w = [v / total for v in w]
    p = math.fsum(wh * x / n for wh, (x, n, _pop) in zip(w, rows, strict=True))
    p = min(1.0, max(0.0, p))
    inv_eff = math.fsum(wh * wh * (1.0 if pop is None else (pop - n) / max(pop - 1, 1)) / n
                        for wh, (_x, n, pop) in zip(w, rows, strict=True))
    var = math.fsum(wh * wh * _survey_se(x, n, pop) ** 2 for wh, (x, n, pop) in zip(w, rows, strict=True))
    n_total = sum(n for _x, n, _pop in rows)
    if inv_eff <= 0.0:
        return WeightedProportion(p, p, p, 0.0, None, level, n_total)
    n_eff = 1.0 / inv_eff
    low, high = _wilson(p * n_eff, n_eff, _z(level))
    return WeightedProportion(p, low, high, math.sqrt(var), n_eff, level, n_total)
