"""Reference rows the app needs to work (e.g. skm's default respondent categories).

Migrations insert them for a new database; `ensure_defaults()` puts back any
that are missing, for seed-demo and for tests that start from empty tables.
Features add their own loaders to DEFAULT_LOADERS from their init_app.
"""
from __future__ import annotations

from collections.abc import Callable

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
