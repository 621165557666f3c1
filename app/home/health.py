"""The database round trip behind `/healthz`: a real `SELECT 1`, so "ok" means the app can serve."""
from __future__ import annotations

from sqlalchemy import text

from app.extensions import db


def database_problem() -> Exception | None:
    """None when the database answers; else the driver's error (any error means "not serving")."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any driver error means "not serving"
        return err
    return None
