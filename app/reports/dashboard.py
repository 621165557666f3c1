"""The analyst's IKM dashboard: the report, and beside it the follow-up it leads to.

One call for the route: the report (app.reports.ikm.build_report) and, for a
user who may plan follow-up in the unit, the unsur the RTL page proposes and the
triage theme counts (app.followup.pages.dashboard_panel).
"""
from __future__ import annotations

from dataclasses import dataclass

from app.core.periods import Period
from app.followup.pages import DashboardPanel, dashboard_panel
from app.models import User
from app.reports.ikm import build_report
from app.reports.rollup import IkmReport
from app.reports.scope import ReportScope


@dataclass(frozen=True)
class Dashboard:
    report: IkmReport
    followup: DashboardPanel | None


def dashboard(actor: User, chosen: ReportScope, period: Period, exclude_flagged: bool) -> Dashboard:
    report = build_report(chosen.unit, period, chosen.layanan, exclude_flagged, kritik_limit=20,
                          region=chosen.region, scope=chosen)
    return Dashboard(report, dashboard_panel(actor, chosen.unit, chosen.layanan, period))
