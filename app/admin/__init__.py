"""Admin: units, layanan, users, regions, and the demo data."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.blueprints import admin
    from app.cli import register_cli

    app.register_blueprint(admin.bp)
    register_cli(app)
