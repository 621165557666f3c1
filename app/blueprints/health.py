"""Liveness plus a real database round trip, for load balancers and uptime checks."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # any driver error means "not serving"
        current_app.logger.warning("health check: database unreachable: %s", err)
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
