"""Idempotent inserts: `INSERT ... ON CONFLICT DO NOTHING RETURNING id`.

Every client-made record (SKM response, pendamping check, income sample) carries
the client's `instance_id` under a unique constraint. A retried submission, or two
copies racing each other, is therefore stored once on SQLite and PostgreSQL alike;
a row back from RETURNING means "inserted", nothing back means "already there".
(RETURNING, not rowcount: psycopg reports rowcount -1 for an INSERT that returns.)

The statement is built once per (dialect, table, conflict target) and each call
binds its values as parameters: the public survey POST runs this on its hot path.
"""
from __future__ import annotations

import functools

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


@functools.cache
def _statement(dialect: str, table: Table, index_elements: tuple[str, ...] | None):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=index_elements).returning(table.c.id)


def insert_or_nothing(model, values: dict, index_elements: list[str] | tuple[str, ...] | None = None) -> bool:
    """True when the row was inserted; False when any unique key (or `index_elements`) already exists."""
    target = tuple(index_elements) if index_elements else None
    stmt = _statement(db.session.get_bind().dialect.name, model.__table__, target)
    return db.session.execute(stmt, values).first() is not None


def get_or_create_id(model, key_column: str, values: dict) -> int:
    """Id of the row whose `key_column` equals values[key_column], inserting it if missing (race-safe)."""
    insert_or_nothing(model, values, [key_column])
    return db.session.scalar(select(model.id).where(getattr(model, key_column) == values[key_column]))
