"""Who may change national reference data.

Respondent categories, pendamping types, checklist versions, income
programmes, poverty lines and UMK apply to every unit at once, so a change by
one sub-unit would silently rewrite every other unit's measurement. Only admins
of the root unit (a unit without a parent) may change them; everyone else gets
a 403, on the web pages and on the import page alike. Command-line imports run
as the server's operator and are not restricted.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import Unit

LOCKED = "Data referensi nasional hanya dapat diubah admin unit pusat."


class NationalReferenceLocked(PermissionError):
    """Raised by a service asked to change national reference data for a unit that may not."""

    def __init__(self) -> None:
        super().__init__(LOCKED)


def unit_may_change(unit_id: int | None) -> bool:
    """None is the operator (CLI); otherwise only the root unit."""
    if unit_id is None:
        return True
    unit = db.session.get(Unit, unit_id)
    return unit is not None and unit.parent_id is None


def ensure_unit_may_change(unit_id: int | None) -> None:
    """For services: raise NationalReferenceLocked unless `unit_id` may change national references."""
    if not unit_may_change(unit_id):
        raise NationalReferenceLocked()


def may_change(user) -> bool:
    """An admin of the root unit."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == "admin" and user.unit.parent_id is None


def require() -> None:
    """For views: 403 unless the signed-in user is an admin of the root unit."""
    if not may_change(current_user):
        abort(403)
