"""Audit events, written in the same transaction as the change they describe.

One helper for every write path: the caller names the acting user explicitly
(`actor`: a User, a user id, or None for the CLI and the demo seeder), so the
services that call it never read the web session.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from app.extensions import db
from app.models import AuditEvent

_AFTER = object()  # "snapshot the object as it now stands"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    return value


def snapshot(obj, exclude: tuple[str, ...] = ("password_hash",)) -> dict[str, Any]:
    """Column values of a mapped object, ready for JSON."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in exclude
    }


def actor_id(actor) -> int | None:
    """A User, a bare id or None (the CLI) as the id stored on the event."""
    if actor is None or isinstance(actor, int):
        return actor
    return getattr(actor, "id", None) if getattr(actor, "is_authenticated", True) else None


def record(action: str, obj, *, actor, before: dict | None = None, after: Any = _AFTER) -> AuditEvent:
    """Add an audit event for `obj`. `after` defaults to a snapshot of `obj` as it now stands;
    pass `after=None` for a deletion or a dict for a custom summary."""
    if inspect(obj).identity is None:  # a new object gets its id on flush
        db.session.flush()
    event = AuditEvent(
        user_id=actor_id(actor),
        action=action,
        entity=type(obj).__tablename__,
        entity_id=str(inspect(obj).identity[0]),
        before=before,
        after=snapshot(obj) if after is _AFTER else after,
    )
    db.session.add(event)
    return event
