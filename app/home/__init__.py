"""Home: the landing page, each role's start page, and the health check."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.home import routes

    app.register_blueprint(routes.bp)
