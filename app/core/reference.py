"""Reference rows the app needs to work (e.g. skm's default respondent categories).

Migrations insert them for a new database; `ensure_defaults()` puts back any
that are missing, for seed-demo and for tests that start from empty tables.
Features add their own loaders to DEFAULT_LOADERS from their init_app.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select

from app.extensions import db

DEFAULT_LOADERS: list[Callable[[], int]] = []


def register_default_loader(loader: Callable[[], int]) -> None:
    """Called from a feature's init_app; registering twice (a second create_app) is harmless."""
    if loader not in DEFAULT_LOADERS:
        DEFAULT_LOADERS.append(loader)


def ensure_defaults() -> int:
    added = sum(loader() for loader in DEFAULT_LOADERS)
    db.session.flush()
    return added


def add_missing(model, defaults: Iterable[dict]) -> int:
    """Add each default row of a small code/name/active/sort_order table whose `code` is missing.

    `sort_order` is the default's position (from 1), so the lists keep the order the
    regulation or the seed gives; rows an admin already changed are left alone.
    Returns how many rows were added.
    """
    existing = set(db.session.scalars(select(model.code)))
    added = 0
    for order, values in enumerate(defaults, start=1):
        if values["code"] not in existing:
            db.session.add(model(**values, active=True, sort_order=order))
            added += 1
    return added
