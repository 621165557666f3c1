"""Monitoring: field samples (pendamping checklists, KPM income before/after), offline-first."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.blueprints import field, field_admin
    from app.core import demo, reference
    from app.services import monitoring_demo, monitoring_reference, monitoring_scope

    app.register_blueprint(field.bp)
    app.register_blueprint(field_admin.bp)
    monitoring_scope.register_scopes()
    reference.register_default_loader(monitoring_reference.ensure_pendamping_types)
    reference.register_default_loader(monitoring_reference.ensure_programs)
    demo.register_seeder(monitoring_demo.seed)
