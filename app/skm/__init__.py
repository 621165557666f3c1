"""SKM: the public satisfaction survey (PermenPAN-RB 14/2017), its imports and summary tables."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core import demo, reference
    from app.skm import admin_routes, categories, cli, lookup, routes
    from app.skm import demo as skm_demo

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin_routes.bp)
    cli.register(app)
    lookup.watch_edits()
    reference.register_default_loader(categories.ensure_defaults)
    demo.register_seeder(skm_demo.seed_responses)
