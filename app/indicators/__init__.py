"""Indicators: performance indicators, targets and capaian from survey and field data."""
from __future__ import annotations

from flask import Flask

from app.core.scoping import register_scope, unit_clause
from app.models import Indicator


def init_app(app: Flask) -> None:
    from app.blueprints import indicators
    from app.core import demo
    from app.services import indicator_demo

    app.register_blueprint(indicators.bp)
    register_scope(Indicator, lambda user: unit_clause(Indicator.unit_id, user))
    demo.register_seeder(indicator_demo.seed)
