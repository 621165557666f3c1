"""A report against other periods: the period before, the same period a year earlier, and the trend.

Every difference is a two-sample comparison from app.reports.ikm_inference
(independent samples, linearised SE, Welch-Satterthwaite df).
"""
from __future__ import annotations

from analysis.ikm import IkmResult
from app.core.periods import KIND_MONTHS, Period
from app.reports import ikm_inference
from app.reports.ikm_inference import PeriodComparison
from app.reports.rollup import Headline, TrendPoint, rollup_parts


def compared_periods(period: Period) -> list[tuple[str, Period]]:
    """The periods a report compares itself with: the one before, and the same one a year earlier."""
    others = [("dibanding periode sebelumnya", period.shifted(-1))]
    per_year = 12 // KIND_MONTHS[period.kind]
    if per_year > 1:
        others.append(("dibanding periode yang sama tahun lalu", period.shifted(-per_year)))
    return others


def period_comparisons(period: Period, headline: Headline | None, fetched: dict[Period, dict[int, IkmResult]],
                       populations: dict[Period, dict[int, int]]) -> list[PeriodComparison]:
    """This period against the one before, and against the same period a year earlier.

    ``fetched`` holds the per-layanan results (with variance) of every compared
    period and ``populations`` their N, both read by the caller with the report's own.
    """
    if headline is None or headline.estimate is None:
        return []
    out = []
    for label, other in compared_periods(period):
        results = fetched.get(other, {})
        pops = populations.get(other, {})
        pairs = [(result, pops.get(lid)) for lid, result in results.items()]
        comparison = ikm_inference.compare_periods(
            label, other, headline.estimate, headline.unsur,
            ikm_inference.ministry_estimate(pairs), ikm_inference.unsur_estimates(pairs))
        if comparison is not None:
            out.append(comparison)
    return out


def trend_periods(period: Period, previous: int) -> list[Period]:
    return [*period.previous(previous), period] if previous else []


def trend(period: Period, previous: int, fetched: dict[Period, dict[int, IkmResult]]) -> list[TrendPoint]:
    """Roll-up score for this period and the `previous` ones of the same kind, oldest first."""
    points = []
    for p in trend_periods(period, previous):
        results = fetched.get(p, {})
        score, n = rollup_parts([(r.score, r.n_respondents) for r in results.values()])
        points.append(TrendPoint(p, score, n))
    return points
