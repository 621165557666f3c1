"""Auth: signing in and out, one's own account and password, sessions."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.auth import routes

    app.register_blueprint(routes.bp)
