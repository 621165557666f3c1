"""Layanan (service points surveyed by SKM): the one write path for creating and editing one.

A layanan belongs to a unit the admin manages and, optionally, sits in a region; its slug is
the public survey URL (`/s/<slug>`), so it is unique.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from app.admin import records, units
from app.core import paging
from app.core.scoping import scoped
from app.extensions import db
from app.models import Layanan, Region, Unit

NO_REGION = 0  # the "semua wilayah" choice
SLUG_TAKEN = "Slug sudah dipakai layanan lain."


@dataclass
class LayananValues:
    name: str
    slug: str
    unit_id: int
    active: bool
    published: bool
    region_id: int | None = None


def new_layanan() -> Layanan:
    """A new layanan takes surveys at once but publishes nothing until the admin says so."""
    return Layanan(active=True, published=False)


def list_query(actor, search: str = "") -> Select:
    stmt = scoped(Layanan, actor).join(Layanan.unit).order_by(Unit.code, Layanan.name, Layanan.id)
    return stmt.where(paging.contains(search, Layanan.name, Layanan.slug, Unit.code)) if search else stmt


def region_choices() -> list[tuple[int, str]]:
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    return [(NO_REGION, "— semua wilayah —")] + [(r.id, f"{r.code} {r.name}") for r in regions]


def save(layanan: Layanan, values: LayananValues, *, actor) -> Layanan:
    """Create or update `layanan` as `actor`; Invalid names the refused field."""
    if records.exists(Layanan, Layanan.slug, values.slug, layanan.id):
        raise records.Invalid("slug", SLUG_TAKEN)
    if actor is not None and values.unit_id not in {u for u, _label in units.choices(actor)}:
        raise records.Invalid("unit_id", units.NOT_LISTED)
    return records.save(layanan, {
        "name": values.name, "slug": values.slug, "unit_id": values.unit_id, "active": values.active,
        "published": values.published, "region_id": values.region_id or None}, actor=actor)
