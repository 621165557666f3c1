"""Role and unit/region scope, applied inside queries rather than only in views.

Every query for scoped data goes through `scoped()` or `get_scoped_or_404()`,
so a view cannot forget the filter: an object outside the user's subtree is
simply not found (404), never shown.

The subtree CTEs are anonymous (SQLAlchemy names each anon_N): one statement
often holds two of them, e.g. a monitor's own region scope plus a `?wilayah=`
filter, and two CTEs sharing one name are a compile error (a 500).
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import Layanan, Region, Unit, User


def unit_subtree_ids(root_unit_id: int) -> Select:
    """Ids of a unit and all its descendants (recursive CTE; SQLite and PostgreSQL)."""
    tree = select(Unit.id).where(Unit.id == root_unit_id).cte(recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def region_subtree_ids(root_region_id: int) -> Select:
    tree = select(Region.id).where(Region.id == root_region_id).cte(recursive=True)
    tree = tree.union_all(select(Region.id).join(tree, Region.parent_id == tree.c.id))
    return select(tree.c.id)


def unit_clause(column: ColumnElement, user: User) -> ColumnElement:
    """Restrict a unit_id column to the user's unit subtree."""
    return column.in_(unit_subtree_ids(user.unit_id))


def region_clause(column: ColumnElement, user: User) -> ColumnElement | None:
    """Restrict a region_id column to the user's region subtree, when they have one."""
    if user.region_id is None:
        return None
    return column.in_(region_subtree_ids(user.region_id))


# How each model is scoped. Later modules register their own models here.
SCOPES = {
    Unit: lambda user: unit_clause(Unit.id, user),
    Layanan: lambda user: unit_clause(Layanan.unit_id, user),
    User: lambda user: unit_clause(User.unit_id, user),
}


def register_scope(model, clause_for_user) -> None:
    """Declare how `model` is scoped: `clause_for_user(user)` returns a WHERE clause."""
    SCOPES[model] = clause_for_user


def scope_clause(model, user: User | None = None) -> ColumnElement:
    user = user or current_user
    try:
        return SCOPES[model](user)
    except KeyError:
        raise LookupError(f"{model.__name__} has no registered scope") from None


def scoped(model, user: User | None = None) -> Select:
    """`select(model)` already limited to what `user` may see."""
    return select(model).where(scope_clause(model, user))


def get_scoped_or_404(model, object_id: int, user: User | None = None):
    obj = db.session.scalar(scoped(model, user).where(model.id == object_id))
    if obj is None:
        abort(404)
    return obj


def role_required(*roles: str):
    """Login plus one of `roles`; anything else is a 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
