"""Where report-only queries run: a read replica when REPORT_DATABASE_URL is set, else the primary.

A national deployment keeps the submission path (writes) on the primary and
can send the heavy read-only report and export queries to a PostgreSQL
streaming replica. REPORT_DATABASE_URL becomes the "report" bind
(SQLALCHEMY_BINDS); these helpers run a statement on that engine through the
ordinary session, so nothing else changes. Only aggregates and exports read
through here: scope checks, ORM objects and every write stay on the primary,
and a replica that lags by a second shows a report a second old.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy.engine import Engine

from app.extensions import db

BIND_KEY = "report"


def engine() -> Engine:
    """The report engine (the replica when configured, else the primary)."""
    if current_app.config.get("REPORT_DATABASE_URL"):
        return db.engines[BIND_KEY]
    return db.engine


def execute(statement, **kwargs):
    """db.session.execute on the report engine."""
    return db.session.execute(statement, bind_arguments={"bind": engine()}, **kwargs)


def scalars(statement, **kwargs):
    return db.session.scalars(statement, bind_arguments={"bind": engine()}, **kwargs)
