"""The framework's ceiling for bench_submit.py: a bare Flask app that inserts the same
shape of row as the survey POST (an instance_id, a timestamp, 9 answers) through
SQLAlchemy Core into a same-shaped table, with the same idempotent insert.

    DATABASE_URL=... gunicorn --worker-class gthread --workers 2 --threads 4 bench.bare_submit_app:app
"""
from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

from flask import Flask, abort, redirect, request
from sqlalchemy import Column, DateTime, Integer, MetaData, SmallInteger, Table, Uuid, create_engine
from sqlalchemy.dialects import postgresql, sqlite

metadata = MetaData()
bare = Table(
    "bench_bare_response", metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Uuid, nullable=False, unique=True),
    Column("submitted_at", DateTime, nullable=False),
    *[Column(f"u{n}", SmallInteger) for n in range(1, 10)],
)
# The project's engine settings (app/config.py SQLALCHEMY_ENGINE_OPTIONS: pool_pre_ping, so a
# connection is checked before each request uses it; app/db_setup.py pragmas), so the ceiling is
# the same stack as configured for production, not a lighter one.
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True, **(
    {"connect_args": {"timeout": 30}} if os.environ["DATABASE_URL"].startswith("sqlite") else {}))
if engine.dialect.name == "sqlite":
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _record):  # the same pragmas the project app sets
        cur = conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
app = Flask(__name__)


@app.get("/s/<slug>")
def page(slug: str):
    return "ok"  # for the benchmark's warm-up only


@app.post("/s/<slug>")
def submit(slug: str):
    try:
        values = {"instance_id": uuid.UUID(request.form["instance_id"]),
                  "submitted_at": datetime.now(UTC).replace(tzinfo=None),
                  **{f"u{n}": int(request.form[f"u{n}"]) for n in range(1, 10)}}
    except (KeyError, ValueError):
        abort(422)
    with engine.begin() as conn:
        conn.execute(insert(bare).values(**values).on_conflict_do_nothing(index_elements=["instance_id"]))
    return redirect(f"/s/{slug}/terima-kasih", code=303)
