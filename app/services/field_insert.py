"""Idempotent inserts for field records: `INSERT ... ON CONFLICT DO NOTHING`.

A retried submission (same instance_id) or two copies racing each other are
stored once, on SQLite and PostgreSQL alike; the caller then looks up which
unique key matched to answer "duplicate" or "already recorded for this period".
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert_or_nothing(model, values: dict, index_elements: list[str] | None = None) -> bool:
    """True when the row was inserted; False when any unique key (or `index_elements`) already exists."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: psycopg reports rowcount -1 for an INSERT that returns the new key.
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=index_elements).returning(model.id)
    return db.session.execute(stmt).first() is not None


def get_or_create_id(model, key_column: str, values: dict) -> int:
    """Id of the row whose `key_column` equals values[key_column], inserting it if missing (race-safe)."""
    insert_or_nothing(model, values, [key_column])
    return db.session.scalar(select(model.id).where(getattr(model, key_column) == values[key_column]))


def snapshot(obj) -> dict:
    """audit.snapshot with UUIDs (instance_id) as text, so the audit JSON can hold them."""
    from app.services import audit

    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in audit.snapshot(obj).items()}
