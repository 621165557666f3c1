"""Respondent categories ("unsur responden"): the list every survey offers.

They are national reference data: the admin pages check app.core.reference_authority
before calling here. `ensure_defaults` is the default-row loader that skm's init_app
registers with app.core.reference (a new database gets the rows from a migration).
"""
from __future__ import annotations

from sqlalchemy import select

from app.core import audit
from app.core.reference import add_missing
from app.extensions import db
from app.models import RespondentCategory
from app.models.skm import DEFAULT_RESPONDENT_CATEGORIES

CODE_TAKEN = "Kode sudah dipakai."


class CodeTaken(ValueError):
    """Another category already has this code (field `code`)."""

    def __init__(self) -> None:
        super().__init__(CODE_TAKEN)


def ensure_defaults() -> int:
    """Put back any default category that is missing; returns how many were added."""
    return add_missing(RespondentCategory,
                       ({"code": code, "name": name} for code, name in DEFAULT_RESPONDENT_CATEGORIES))


def in_order() -> list[RespondentCategory]:
    return list(db.session.scalars(select(RespondentCategory).order_by(RespondentCategory.sort_order,
                                                                        RespondentCategory.name)))


def get(category_id: int) -> RespondentCategory | None:
    return db.session.get(RespondentCategory, category_id)


def save(category: RespondentCategory, *, code: str, name: str, sort_order: int, active: bool,
         actor) -> RespondentCategory:
    """Create (a transient `category`) or update one category, audited; raises CodeTaken."""
    taken = db.session.scalar(select(RespondentCategory.id).where(
        RespondentCategory.code == code, RespondentCategory.id != (category.id or 0)))
    if taken is not None:
        raise CodeTaken()
    before = audit.snapshot(category) if category.id else None
    category.code, category.name, category.sort_order, category.active = code, name, sort_order, active
    db.session.add(category)
    db.session.flush()
    audit.record("update" if before else "create", category, before=before, actor=actor)
    return category


def deactivate(category: RespondentCategory, *, actor) -> None:
    """Hidden from the form from now on; the answers that chose it keep it."""
    before = audit.snapshot(category)
    category.active = False
    audit.record("deactivate", category, before=before, actor=actor)
