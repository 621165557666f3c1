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

import numpy as np
from flask import current_app
from sqlalchemy import BigInteger, Select, cast, func, select
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


REPORT_WORK_MEM = "64MB"
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def int_matrix(statement: Select) -> np.ndarray:
    """The statement's rows as an int64 matrix (one column per selected column, NULL as 0).

    Aggregates over thousands of layanan return hundreds of thousands of
    integers (5,000 x 156 for the cross-product sums); turning each into a
    Python int and a SQLAlchemy row cost more than the query (issue 17). On
    PostgreSQL the rows come as binary COPY, every column cast to bigint, so
    the payload is fixed-width and numpy reads it in one call; elsewhere the
    ordinary rows are converted.
    """
    width = len(statement.selected_columns)
    bind = engine()
    if bind.dialect.name != "postgresql":
        rows = [[value or 0 for value in row] for row in execute(statement)]
        return np.array(rows, dtype=np.int64).reshape(-1, width)
    inner = statement.subquery()
    outer = select(*(func.coalesce(cast(column, BigInteger), 0) for column in inner.c))
    compiled = outer.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    raw = db.session.connection(bind_arguments={"bind": bind}).connection.driver_connection
    payload = bytearray()
    with raw.cursor() as cursor:
        # 5,000 layanan x 155 sums hash in ~12 MB: above the default 4 MB the grouping spills to a
        # sort on disk (0.3 s of the report's 0.5 s of SQL). For this transaction only.
        cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
    with raw.cursor() as cursor, cursor.copy(f"COPY ({compiled.string}) TO STDOUT (FORMAT binary)",
                                             compiled.params) as copy:
        for block in copy:
            payload += block
    if payload[:19] != _COPY_SIGNATURE + bytes(8):
        raise RuntimeError("unexpected COPY output")
    body = memoryview(payload)[19:-2]  # signature, flags, header extension | ... | trailer -1
    row_type = np.dtype([("fields", ">i2"), ("cells", [("length", ">i4"), ("value", ">i8")], (width,))])
    if len(body) % row_type.itemsize:
        raise RuntimeError("unexpected COPY row size")
    rows = np.frombuffer(body, dtype=row_type)
    if rows.size and ((rows["fields"] != width).any() or (rows["cells"]["length"] != 8).any()):
        raise RuntimeError("unexpected COPY row layout")
    return rows["cells"]["value"].astype(np.int64)
