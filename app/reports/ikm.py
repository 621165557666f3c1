"""The IKM report: everything it shows, gathered with a handful of grouped queries.

The core IKM aggregation lives in app.skm.summary; the figures and the
roll-up up the unit tree in app.reports.rollup; the report-only aggregates in
app.reports.respondents (profile, kritik dan saran), app.reports.period_totals
(pooled values, flags) and app.reports.comparisons (other periods, trend).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

from app.core.periods import Period
from app.models import Layanan, Region, Unit
from app.reports import comparisons, ikm_inference
from app.reports.period_totals import period_totals
from app.reports.populations import populations_by_period
from app.reports.respondents import kritik_saran, profile
from app.reports.rollup import IkmReport, LayananLine, build_tree, headline_for
from app.reports.scope import ReportScope, report_scope
from app.skm import summary as skm_stats


def build_report(unit: Unit, period: Period, layanan: Layanan | None = None, exclude_flagged: bool = False,
                 trend_periods: int = 4, kritik_limit: int = 200, region: Region | None = None,
                 scope: ReportScope | None = None) -> IkmReport:
    """The IKM report for a unit (its whole subtree) or for one of its layanan.

    Callers pass objects already checked against the user's scope, or the
    ``scope`` app.reports.scope resolved (then unit, layanan and region are
    read from it); with a layanan, the report's unit is the layanan's own unit.
    With a region, only layanan located in that region's subtree count (a
    layanan without a region is then left out).
    """
    with _cyclic_gc_paused():
        return _build(scope or report_scope(unit, layanan, region), period, exclude_flagged, trend_periods,
                      kritik_limit)


@contextmanager
def _cyclic_gc_paused():
    """A 5,000-layanan report creates ~200,000 small objects, almost none in cycles: the cyclic
    collector's full passes over the whole heap cost ~30 % of the report's CPU (issue 17).
    Reference counting still frees everything; collection resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(scope: ReportScope, period: Period, exclude_flagged: bool, trend_periods: int,
           kritik_limit: int) -> IkmReport:
    unit, layanan, units, services = scope.unit, scope.layanan, scope.units, scope.services
    unit_codes = {u.id: u.code for u in units}
    ids = [s.id for s in services]
    compared = [p for _label, p in comparisons.compared_periods(period)]
    # This period, the ones it is compared with and the trend, in one grouped query (two with variance).
    trend_only = [p for p in comparisons.trend_periods(period, trend_periods) if p not in (period, *compared)]
    fetched = skm_stats.ikm_by_layanan_periods(ids, [period, *compared, *trend_only], exclude_flagged,
                                               scores_only=trend_only)
    results = fetched[period]
    pops_by_period = populations_by_period(ids, [period, *compared])
    pops = pops_by_period[period]
    lines = [LayananLine(s.id, s.slug, s.name, s.unit_id, unit_codes.get(s.unit_id, ""), results.get(s.id),
                         pops.get(s.id)) for s in services]
    tree = build_tree(unit, units, lines)
    children = {child.id: [line.id for node in child.walk() for line in node.layanan] for child in tree.children}
    totals = period_totals(ids, children, period, exclude_flagged)
    tree.pooled = totals.pooled[None] if tree.n else None
    for child in tree.children:
        child.pooled = totals.pooled[child.id] if child.n else None
    total_population = sum(pops.values()) if pops and len(pops) == len(ids) else None
    headline = headline_for(lines, tree.pooled, total_population)
    ranking = None
    if layanan is None:
        ranking = ikm_inference.rank_layanan(
            {line.slug: line.estimate for line in lines if line.estimate is not None})
    return IkmReport(
        unit=unit,
        layanan=layanan,
        period=period,
        exclude_flagged=exclude_flagged,
        lines=lines,
        tree=tree,
        headline=headline,
        flags=totals.flags,
        profile=profile(ids, period, exclude_flagged),
        kritik=kritik_saran(ids, period, exclude_flagged, kritik_limit, totals.kritik_per_month),
        trend=comparisons.trend(period, trend_periods, fetched),
        region=scope.region,
        comparisons=comparisons.period_comparisons(period, headline, fetched, pops_by_period),
        ranking=ranking,
        kritik_total=sum(totals.kritik_per_month.values()),
    )
