"""Write audit events in the same transaction as the change they describe."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_login import current_user
from sqlalchemy import inspect

from app.extensions import db
from app.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
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


def record(action: str, obj, before: dict | None = None, after: dict | None = None) -> AuditEvent:
    user_id = current_user.id if getattr(current_user, "is_authenticated", False) else None
    if inspect(obj).identity is None:  # a new object gets its id on flush
        db.session.flush()
    event = AuditEvent(
        user_id=user_id,
        action=action,
        entity=type(obj).__tablename__,
        entity_id=str(inspect(obj).identity[0]),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
