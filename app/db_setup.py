"""Engine tuning per backend.

SQLite is the embedded default and sees concurrent writers (gthread workers,
phones retrying): without WAL and a busy timeout those writers fail with
"database is locked" instead of waiting their turn.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_database(app: Flask) -> None:
    uris = {None: app.config["SQLALCHEMY_DATABASE_URI"], **(app.config.get("SQLALCHEMY_BINDS") or {})}
    for key, uri in uris.items():
        if not isinstance(uri, str) or not uri.startswith("sqlite"):
            continue
        if uri.startswith("sqlite:///") and ":memory:" not in uri:
            from pathlib import Path

            Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        with app.app_context():
            event.listen(db.engines[key], "connect", _sqlite_pragmas)
