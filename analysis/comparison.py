"""Differences between independent IKM estimates, and Holm's correction for a ranking.

Two periods, or two layanan of one unit, are independent samples; each score
carries its linearised variance (analysis.ikm). The difference has
SE = sqrt(V1 + V2) and Welch-Satterthwaite degrees of freedom
(V1 + V2)^2 / (V1^2/df1 + V2^2/df2) (Welch 1947; Satterthwaite 1946).
A ranking makes many comparisons at once, so its p-values are adjusted with
Holm's step-down method (Holm 1979), as R's p.adjust(method = "holm").
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ._validate import as_level, as_real
from .estimate import Estimate


@dataclass(frozen=True)
class Difference:
    """first - second, with its interval and two-sided p-value."""

    difference: float
    se: float
    df: float
    low: float
    high: float
    p_value: float
    level: float

    @property
    def significant(self) -> bool:
        return self.p_value < 1.0 - self.level


def welch_df(a: Estimate, b: Estimate) -> float:
    terms = [e.variance ** 2 / e.df for e in (a, b) if e.variance > 0]
    total = a.variance + b.variance
    if not terms:
        return math.inf  # both exact (census): no sampling error
    return total ** 2 / math.fsum(terms)


def compare(first: Estimate, second: Estimate, level: float = 0.95) -> Difference:
    """Difference first - second of two independent estimates (unclipped interval)."""
    level = as_level(level)
    diff = first.value - second.value
    var = first.variance + second.variance
    se = math.sqrt(var)
    df = welch_df(first, second)
    if se == 0.0:
        return Difference(diff, 0.0, df, diff, diff, 1.0 if diff == 0 else 0.0, level)
    q = float(stats.t.ppf(0.5 + level / 2.0, df))
    p = float(2.0 * stats.t.sf(abs(diff) / se, df))
    return Difference(diff, se, df, diff - q * se, diff + q * se, min(1.0, p), level)


def compare_many(firsts: Sequence[Estimate], seconds: Sequence[Estimate], level: float = 0.95) -> list[Difference]:
    """compare(f, s) for each pair, with one vectorised t quantile and tail call (a ranking of thousands).

    The arithmetic is compare()'s, element by element, so the figures are the same.
    """
    level = as_level(level)
    if len(firsts) != len(seconds):
        raise ValueError("one second estimate per first")
    if not firsts:
        return []
    v1 = np.array([e.value for e in firsts], dtype=float)
    v2 = np.array([e.value for e in seconds], dtype=float)
    var1 = np.array([e.variance for e in firsts], dtype=float)
    var2 = np.array([e.variance for e in seconds], dtype=float)
    df1 = np.array([e.df for e in firsts], dtype=float)
    df2 = np.array([e.df for e in seconds], dtype=float)
    diff = v1 - v2
    var = var1 + var2
    se = np.sqrt(var)
    terms = np.where(var1 > 0, var1 ** 2 / df1, 0.0) + np.where(var2 > 0, var2 ** 2 / df2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(terms > 0, var ** 2 / np.where(terms > 0, terms, 1.0), np.inf)
        live = se > 0
        safe_se = np.where(live, se, 1.0)
        q = stats.t.ppf(0.5 + level / 2.0, df)
        p = np.minimum(1.0, 2.0 * stats.t.sf(np.abs(diff) / safe_se, df))
    out = []
    for i in range(len(firsts)):
        d, s = float(diff[i]), float(se[i])
        if not live[i]:
            out.append(Difference(d, 0.0, float(df[i]), d, d, 1.0 if d == 0 else 0.0, level))
        else:
            half = float(q[i]) * s
            out.append(Difference(d, s, float(df[i]), d - half, d + half, float(p[i]), level))
    return out


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the input order (R: p.adjust(p, "holm"))."""
    ps = [as_real(p, "p-value") for p in p_values]
    if any(not 0.0 <= p <= 1.0 for p in ps):
        raise ValueError("p-values lie between 0 and 1")
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        adjusted[i] = running
    return adjusted
