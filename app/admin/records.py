"""The write steps every admin record (unit, layanan, user) shares: refusals as values, the
uniqueness check, save-with-audit, and deactivate/activate.

Services here take the acting user explicitly (`actor`: a User, or None for the CLI and the
demo seeder) and never commit: the route or the command owns the transaction.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core import audit
from app.extensions import db
from app.models import Unit, User

OWN_UNIT = "Anda tidak dapat menonaktifkan unit Anda sendiri."
OWN_ACCOUNT = "Anda tidak dapat menonaktifkan akun sendiri."


class Invalid(Exception):
    """A value the write path refuses; `field` names the form field (or CLI option) it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def exists(model, column, value, exclude_id: int | None = None) -> bool:
    """Whether another row of `model` already has `value` in the unique `column`."""
    stmt = select(model.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return db.session.scalar(stmt) is not None


def save(obj, values: dict, *, actor):
    """Apply `values` to `obj`, add it, and audit the create or update as `actor`'s act."""
    before = audit.snapshot(obj) if obj.id else None
    for field, value in values.items():
        setattr(obj, field, value)
    db.session.add(obj)
    db.session.flush()
    audit.record("update" if before else "create", obj, before=before, actor=actor)
    return obj


def deactivation_refused(obj, *, actor) -> str | None:
    """Why `actor` may not deactivate `obj` (their own unit or account), or None."""
    actor_id = audit.actor_id(actor)
    if isinstance(obj, Unit) and actor is not None and obj.id == actor.unit_id:
        return OWN_UNIT
    if isinstance(obj, User) and actor_id is not None and obj.id == actor_id:
        return OWN_ACCOUNT
    return None


def deactivate(obj, *, actor) -> None:
    """Switch `obj` off. A user's sessions end for good: re-activating the account later
    must not revive them."""
    refusal = deactivation_refused(obj, actor=actor)
    if refusal:
        raise Invalid("active", refusal)
    before = audit.snapshot(obj)
    obj.active = False
    if isinstance(obj, User):
        obj.end_sessions()
    audit.record("deactivate", obj, before=before, actor=actor)


def activate(obj, *, actor) -> bool:
    """The way back from "Nonaktifkan"; False when `obj` was already active (nothing recorded).
    A user's old sessions stay ended: the account logs in afresh."""
    if obj.active:
        return False
    before = audit.snapshot(obj)
    obj.active = True
    audit.record("activate", obj, before=before, actor=actor)
    return True
