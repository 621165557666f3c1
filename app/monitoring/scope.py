"""Who sees which field-monitoring rows; registered with app.core.scoping.

Monitors see only records they made, inside their region subtree when they have
one; analysts and admins see everything recorded for their unit subtree.
"""
from __future__ import annotations

from sqlalchemy import and_, true

from app.core.scoping import region_clause, register_scope, unit_clause
from app.models import IncomeSample, Pendamping, PendampingCheck, User


def _record_scope(model):
    def clause(user: User):
        if user.role == "monitor":
            parts = [model.monitor_id == user.id]
            region = region_clause(model.region_id, user)
            if region is not None:
                parts.append(region)
            return and_(*parts)
        return unit_clause(model.unit_id, user)

    return clause


def _pendamping_scope(user: User):
    region = region_clause(Pendamping.region_id, user)
    return and_(unit_clause(Pendamping.unit_id, user), region if region is not None else true())


def register_scopes() -> None:
    """Called from the monitoring feature's init_app."""
    register_scope(PendampingCheck, _record_scope(PendampingCheck))
    register_scope(IncomeSample, _record_scope(IncomeSample))
    register_scope(Pendamping, _pendamping_scope)
