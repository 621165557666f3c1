"""Monitoring: field samples (pendamping checklists, KPM income before/after), offline-first."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core import demo as core_demo
    from app.core import reference as core_reference
    from app.monitoring import admin_routes, cli, demo, reference, routes, scope

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin_routes.bp)
    cli.init_app(app)
    scope.register_scopes()
    core_reference.register_default_loader(reference.ensure_pendamping_types)
    core_reference.register_default_loader(reference.ensure_programs)
    core_demo.register_seeder(demo.seed)
