"""Indicators: performance indicators, targets and capaian from survey and field data."""
from __future__ import annotations

from flask import Flask

from app.core.scoping import register_scope, unit_clause
from app.models import Indicator


def init_app(app: Flask) -> None:
    from app.core import demo as core_demo
    from app.core.commands import add_report_command
    from app.indicators import cli, demo, routes

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.load_indicators)
    add_report_command(app, cli.report_indicators)
    register_scope(Indicator, lambda user: unit_clause(Indicator.unit_id, user))
    core_demo.register_seeder(demo.seed)
