"""Admin: units, layanan, users, regions, and the demo data."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.admin import cli, routes
    from app.admin import demo as admin_demo
    from app.core import demo

    app.register_blueprint(routes.bp)
    cli.register_cli(app)
    # First of every feature's seeders (FEATURES order): the other demo rows hang on these units.
    demo.register_seeder(admin_demo.seed)
