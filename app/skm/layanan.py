"""The layanan the SKM pages and commands work on, loaded with their unit.

The survey POST does not come here: it reads the per-process cache in app.skm.lookup
(issue 14). These are the pages that render a layanan's name and unit.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core.scoping import scoped, unit_subtree_ids
from app.extensions import db
from app.models import Layanan, Unit, User

MAX_SLUG = 80  # longer slugs are never stored; refuse them before any query


def active(slug: str) -> Layanan | None:
    """The active layanan of an active unit with this slug (the survey form and its thank-you page)."""
    if len(slug) > MAX_SLUG:
        return None
    return db.session.scalar(
        select(Layanan).join(Layanan.unit).where(Layanan.slug == slug, Layanan.active, Unit.active)
    )


def by_slug(slug: str) -> Layanan | None:
    """Any layanan, active or not: an import may bring in answers for a layanan since retired."""
    return db.session.scalar(select(Layanan).where(Layanan.slug == slug.strip().lower()))


def listed() -> list[Layanan]:
    """Every layanan a respondent may choose on /s/, by unit then name."""
    return list(db.session.scalars(
        select(Layanan).join(Layanan.unit).where(Layanan.active, Unit.active).order_by(Unit.name, Layanan.name)
    ))


def visible_to(user: User) -> list[Layanan]:
    """The layanan in `user`'s unit subtree, for the poster page."""
    return list(db.session.scalars(scoped(Layanan, user).join(Layanan.unit).order_by(Unit.code, Layanan.name)))


def active_units_visible_to(user: User) -> list[Unit]:
    return list(db.session.scalars(scoped(Unit, user).where(Unit.active).order_by(Unit.code)))


def active_in_unit_tree(unit_id: int) -> list[Layanan]:
    """Every active layanan of the unit and its sub-units (one poster page each)."""
    return list(db.session.scalars(
        select(Layanan).join(Layanan.unit)
        .where(Layanan.unit_id.in_(unit_subtree_ids(unit_id)), Layanan.active, Unit.active)
        .order_by(Unit.code, Layanan.name)
    ))
