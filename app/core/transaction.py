"""The unit of work, owned by the route or the CLI command.

Services add and flush but never commit, so one request or one command is one
transaction: a failure part-way leaves nothing half-written. Routes hold no
`db.session` (tests/test_architecture.py), so they end the transaction here.

One exception is declared by the caller, never chosen by a service: a unit of work
that is one statement and nothing else (the public survey POST) may run that
statement on its own (`execute_alone`), see there.
"""
from __future__ import annotations

from sqlalchemy.engine import CursorResult

from app.extensions import db


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()


def execute_alone(statement, params: dict) -> CursorResult | None:
    """Execute `statement` as the whole unit of work, committed by SQLite itself (autocommit); None,
    having executed nothing, on another database or once this unit of work has written anything.

    Why (issue 14): SQLite allows one writer at a time. In a transaction the write lock is
    held from the INSERT until the COMMIT, and between the two the thread waits for
    Python's GIL while the other gunicorn threads and processes queue on the lock (and
    sleep in SQLite's busy handler). A statement with no transaction around it takes
    and releases the lock inside one call into SQLite, GIL released throughout. SQLite
    makes one statement atomic, its triggers included, so a unit of work that is one
    statement loses nothing by it. The caller's commit() then has nothing left to do.
    The statement must not use RETURNING: SQLite keeps such a statement, and its lock,
    open until its rows are read.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return None
    db.session.flush()  # pending ORM changes are writes of this unit of work too: flushed, they count below
    raw = connection.connection.dbapi_connection
    if raw.in_transaction:  # this unit of work already wrote: the statement must join it
        return None
    level = raw.isolation_level
    raw.isolation_level = None  # pysqlite sends no BEGIN: the statement is its own transaction
    try:
        return connection.execute(statement, params)
    finally:
        raw.isolation_level = level
