"""KPM income monitoring: before/after change, income bands and graduation (graduasi).

Boundary convention, used everywhere here: a threshold is met at equality.
Income exactly at the garis kemiskinan is *not* poor (BPS counts as poor those
*below* the line), income exactly at the UMK counts as reaching the UMK.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ._validate import as_count, as_level, as_real
from .proportion import ProportionEstimate, estimate_proportion

BANDS = ("below-extreme", "between-lines", "above-poverty-line", "above-UMK")


@dataclass(frozen=True)
class PairedChange:
    n: int
    n_increased: int
    n_same: int
    n_decreased: int
    share_increased: ProportionEstimate
    median_change: float
    wilcoxon_p: float | None
    zero_method: str


def paired_change(before: Sequence, after: Sequence, *, population=None, level=0.95, method="wilson",
                  zero_method="pratt") -> PairedChange:
    """Who increased income, by how much, and whether the change is systematic.

    Zero differences are counted in ``n_same`` and kept in the Wilcoxon test
    (Pratt's method by default: zeros take part in the ranking, then their
    ranks are left out of the statistic). ``wilcoxon_p`` is None when every
    difference is zero, since there is nothing to test.
    """
    b = [as_real(v, "before") for v in before]
    a = [as_real(v, "after") for v in after]
    if len(a) != len(b):
        raise ValueError(f"before has {len(b)} values but after has {len(a)}")
    if not b:
        raise ValueError("paired_change needs at least one pair")
    if zero_method not in ("pratt", "wilcox", "zsplit"):
        raise ValueError(f"unknown zero_method {zero_method!r}")
    diff = np.asarray(a) - np.asarray(b)
    n = int(diff.size)
    inc = int((diff > 0).sum())
    dec = int((diff < 0).sum())
    same = n - inc - dec
    share = estimate_proportion(inc, n, population=population, level=level, method=method)
    p_value = None
    if inc + dec > 0:
        res = stats.wilcoxon(diff, zero_method=zero_method, alternative="two-sided")
        p_value = float(res.pvalue)
        if not math.isfinite(p_value):  # pragma: no cover - scipy returns nan only for degenerate input
            p_value = None
    return PairedChange(n, inc, same, dec, share, float(np.median(diff)), p_value, zero_method)


def income_band(income_per_capita, extreme_line, poverty_line, household_income=None, umk=None) -> str:
    """Band a KPM as PENA reports do (seed 002 lines 1961-1963).

    below-extreme:      income < garis kemiskinan ekstrem
    between-lines:      extreme line <= income < garis kemiskinan
    above-poverty-line: income >= garis kemiskinan
    above-UMK:          income >= garis kemiskinan and household income >= UMK
    The UMK is a monthly wage per worker, so it is compared with the monthly
    household/business income, not with the per-capita figure.
    """
    income = as_real(income_per_capita, "income_per_capita")
    extreme = as_real(extreme_line, "extreme_line")
    poverty = as_real(poverty_line, "poverty_line")
    if extreme <= 0 or poverty <= 0:
        raise ValueError("poverty lines must be positive")
    if extreme > poverty:
        raise ValueError(f"the extreme poverty line ({extreme}) cannot exceed the poverty line ({poverty})")
    if (household_income is None) != (umk is None):
        raise ValueError("household_income and umk go together")
    if income < extreme:
        return "below-extreme"
    if income < poverty:
        return "between-lines"
    if umk is not None:
        if as_real(umk, "umk") <= 0:
            raise ValueError("umk must be positive")
        if as_real(household_income, "household_income") >= float(umk):
            return "above-UMK"
    return "above-poverty-line"


def graduation_ready(monthly_incomes: Sequence, umk, months: int = 3) -> bool:
    """True when the last ``months`` consecutive observations all reach the UMK (seed 002 line 3398).

    ``monthly_incomes`` runs oldest to newest, one entry per month; None marks
    a month without an observation and breaks the run. ``umk`` is one value or
    one per month (the UMK changes each January).
    """
    months = as_count(months, "months", minimum=1)
    incomes = list(monthly_incomes)
    if isinstance(umk, Sequence) and not isinstance(umk, str):
        umks = [as_real(u, "umk") for u in umk]
        if len(umks) != len(incomes):
            raise ValueError("give one UMK per month or a single UMK")
    else:
        umks = [as_real(umk, "umk")] * len(incomes)
    if any(u <= 0 for u in umks):
        raise ValueError("umk must be positive")
    if len(incomes) < months:
        return False
    for income, u in zip(incomes[-months:], umks[-months:], strict=True):
        if income is None or as_real(income, "income") < u:
            return False
    return True


@dataclass(frozen=True)
class MeanChange:
    """Mean of the paired differences after - before with its paired t interval, and their median.

    low, high, se, df and t_p are None with fewer than two pairs; with every
    difference equal the interval is that value and t_p is None.
    """

    n: int
    mean: float
    median: float
    se: float | None
    df: int | None
    low: float | None
    high: float | None
    t_p: float | None
    level: float


def mean_change(before: Sequence, after: Sequence, level: float = 0.95) -> MeanChange:
    """Paired t: mean d +/- t(n-1) s_d / sqrt(n), d = after - before (R t.test(after, before, paired=TRUE))."""
    level = as_level(level)
    b = [as_real(v, "before") for v in before]
    a = [as_real(v, "after") for v in after]
    if len(a) != len(b):
        raise ValueError(f"before has {len(b)} values but after has {len(a)}")
    if not b:
        raise ValueError("mean_change needs at least one pair")
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = int(d.size)
    mean = math.fsum(d) / n
    median = float(np.median(d))
    if n < 2:
        return MeanChange(n, mean, median, None, None, None, None, None, level)
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in d) / (n - 1))
    se = sd / math.sqrt(n)
    if se == 0.0:
        return MeanChange(n, mean, median, 0.0, n - 1, mean, mean, None, level)
    q = float(stats.t.ppf(0.5 + level / 2, n - 1))
    p = float(2 * stats.t.sf(abs(mean / se), n - 1))
    return MeanChange(n, mean, median, se, n - 1, mean - q * se, mean + q * se, p, level)


@dataclass(frozen=True)
class PairedProportions:
    """Share meeting a condition before and after, on the same units.

    both / up / down / neither: met before and after / only after / only before / never.
    difference = share_after - share_before = (up - down) / n, with Newcombe's
    (1998) method 10 interval; mcnemar_p is the exact McNemar test (two-sided
    binomial test of up against up + down at 1/2); 1.0 when nobody changed.
    """

    n: int
    both: int
    up: int
    down: int
    neither: int
    share_before: float
    share_after: float
    difference: float
    low: float
    high: float
    mcnemar_p: float
    level: float


def _wilson_bounds(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    return max(0.0, min(centre - half, p)), min(1.0, max(centre + half, p))


def paired_proportions(before: Sequence[bool], after: Sequence[bool], level: float = 0.95) -> PairedProportions:
    """Difference of paired proportions (after - before): exact McNemar and Newcombe method 10.

    Newcombe, R. G. (1998), Improved confidence intervals for the difference
    between binomial proportions based on paired data, Stat. Med. 17, 2635-2650,
    method 10: Wilson intervals (l1, u1) for the share after and (l2, u2) before,
    combined with the correlation phi of the 2x2 table,
      L = D - sqrt((p1 - l1)^2 - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)^2),
      U = D + sqrt((u1 - p1)^2 - 2 phi (u1 - p1)(p2 - l2) + (p2 - l2)^2),
    where phi = (A - n/2)/sqrt(prod of margins) if A = both x neither - up x down
    exceeds n/2, 0 if 0 <= A <= n/2, A/sqrt(...) if A < 0, and 0 when a margin is
    empty (as in Fagerland, Lydersen & Laake 2017, ch. 8).
    """
    level = as_level(level)
    b, a = list(before), list(after)
    if len(a) != len(b):
        raise ValueError(f"before has {len(b)} values but after has {len(a)}")
    if not b:
        raise ValueError("paired_proportions needs at least one pair")
    for name, values in (("before", b), ("after", a)):
        if any(not isinstance(v, bool | np.bool_) for v in values):
            raise ValueError(f"{name} must hold booleans")
    n = len(b)
    both = sum(1 for x, y in zip(b, a, strict=True) if x and y)
    up = sum(1 for x, y in zip(b, a, strict=True) if not x and y)
    down = sum(1 for x, y in zip(b, a, strict=True) if x and not y)
    neither = n - both - up - down
    p1, p2 = (both + up) / n, (both + down) / n
    z = float(stats.norm.ppf(0.5 + level / 2))
    l1, u1 = _wilson_bounds(both + up, n, z)
    l2, u2 = _wilson_bounds(both + down, n, z)
    margins = (both + up, down + neither, both + down, up + neither)
    if 0 in margins:
        phi = 0.0
    else:
        big_a = both * neither - up * down
        root = math.sqrt(math.prod(float(m) for m in margins))
        phi = (big_a - n / 2) / root if big_a > n / 2 else (0.0 if big_a >= 0 else big_a / root)
    diff = (up - down) / n
    low = diff - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    high = diff + math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    mcnemar = float(stats.binomtest(up, up + down, 0.5).pvalue) if up + down else 1.0
    return PairedProportions(n, both, up, down, neither, p2, p1, diff, max(-1.0, min(low, diff)),
                             min(1.0, max(high, diff)), min(1.0, mcnemar), level)


def above_line(income, household_size, line) -> bool:
    """Per-capita income (household income / members) at or above a poverty line (the module's convention)."""
    members = as_count(household_size, "household_size", minimum=1)
    value = as_real(line, "line")
    if value <= 0:
        raise ValueError("a poverty line must be positive")
    return as_real(income, "income") >= value * members  # income / members >= line, without rounding
