"""Home: the landing page, each role's start page, and the health check."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.blueprints import health, main

    app.register_blueprint(main.bp)
    app.register_blueprint(health.bp)
