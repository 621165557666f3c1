"""Reports: the IKM report (screen, PDF, Laporan SKM, XLSX, CSV, JSON), populations, the public results page."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.core.commands import add_report_command
from app.core.scoping import register_scope, unit_clause
from app.models import Layanan, ServicePopulation


def init_app(app: Flask) -> None:
    from app.core import jobs
    from app.reports import cli, export_jobs, public_routes, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(public_routes.bp)
    add_report_command(app, cli.report_ikm)
    register_scope(ServicePopulation, lambda user: ServicePopulation.layanan_id.in_(
        select(Layanan.id).where(unit_clause(Layanan.unit_id, user))))
    export_jobs.register_scope_for_jobs()
    jobs.register(app, export_jobs.add_tasks)
