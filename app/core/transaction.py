"""The unit of work, owned by the route or the CLI command.

Services add and flush but never commit, so one request or one command is one
transaction: a failure part-way leaves nothing half-written. Routes hold no
`db.session` (tests/test_architecture.py), so they end the transaction here.
"""
from __future__ import annotations

from app.extensions import db


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()
