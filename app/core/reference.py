"""Reference rows the app needs to work (e.g. default respondent categories).

Migrations insert them for a new database; `ensure_defaults()` puts back any
that are missing, for seed-demo and for tests that start from empty tables.
Features add their own loaders to DEFAULT_LOADERS.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.extensions import db
from app.models import RespondentCategory
from app.models.skm import DEFAULT_RESPONDENT_CATEGORIES


def _respondent_categories() -> int:
    existing = set(db.session.scalars(select(RespondentCategory.code)))
    added = 0
    for order, (code, name) in enumerate(DEFAULT_RESPONDENT_CATEGORIES, start=1):
        if code not in existing:
            db.session.add(RespondentCategory(code=code, name=name, active=True, sort_order=order))
            added += 1
    return added


DEFAULT_LOADERS: list[Callable[[], int]] = [_respondent_categories]


def register_default_loader(loader: Callable[[], int]) -> None:
    """Called from a feature's init_app; registering twice (a second create_app) is harmless."""
    if loader not in DEFAULT_LOADERS:
        DEFAULT_LOADERS.append(loader)


def ensure_defaults() -> int:
    added = sum(loader() for loader in DEFAULT_LOADERS)
    db.session.flush()
    return added
