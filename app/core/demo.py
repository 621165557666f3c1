"""The demo seeder registry behind `flask seed-demo` (`make run`).

Each feature's init_app registers its demo loader; `seed()` runs them in registration
order, which is the order of `app.FEATURES`: admin's units, layanan and accounts come
first, since every other feature's demo rows hang on them. Each loader is get-or-create
and returns how many rows it added, so seeding again adds nothing.
"""
from __future__ import annotations

from collections.abc import Callable

from app.core import reference

EXTRA_SEEDERS: list[Callable[[], int]] = []


def register_seeder(seeder: Callable[[], int]) -> None:
    """Called from a feature's init_app; registering twice (a second create_app) is harmless."""
    if seeder not in EXTRA_SEEDERS:
        EXTRA_SEEDERS.append(seeder)


def seed() -> int:
    """The default reference rows, then every registered feature's demo rows; the count added."""
    created = reference.ensure_defaults()
    for seeder in EXTRA_SEEDERS:
        created += seeder()
    return created
