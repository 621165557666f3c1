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

from ._validate import as_count, as_real
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
