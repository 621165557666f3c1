"""What a report covers: a unit's subtree (or one layanan), optionally narrowed to a region, checked once.

The web resolves the scope against the signed-in user's unit subtree, so
another unit's report is a 404 whatever the URL says; the command line has no
user and sees every unit. Either way the unit tree and its layanan come back
from one query, and the region with its sub-regions from another, so a
download spends its queries on the report rather than on finding it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.core.periods import Period
from app.core.scoping import region_subtree_ids, scoped, unit_subtree_ids
from app.extensions import db
from app.models import Layanan, Region, Unit

ALL = 0  # "every layanan" in the filter's layanan list


class OutOfScope(Exception):
    """The unit or layanan asked for is not the user's to see (answered as 404, like any unknown id)."""


class BadFilter(Exception):
    """A filter value the report cannot use (answered as 400 with the message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownName(Exception):
    """A unit code, layanan slug or region code that names nothing (the command line's errors)."""

    def __init__(self, option: str, message: str, value: str = ""):
        super().__init__(message)
        self.option, self.message, self.value = option, message, value


class ServiceRow(NamedTuple):
    """What a report reads of a layanan: plain columns, not an ORM object (5,000 of them cost ~0.3 s, issue 17)."""

    id: int
    slug: str
    name: str
    unit_id: int
    region_id: int | None

    @staticmethod
    def columns() -> tuple:
        return Layanan.id, Layanan.slug, Layanan.name, Layanan.unit_id, Layanan.region_id


@dataclass
class RegionFilter:
    region: Region
    ids: set[int]  # the region and every region below it


@dataclass
class ReportScope:
    unit: Unit
    layanan: Layanan | None
    region: Region | None
    units: list[Unit]  # the report's unit tree by code: the unit's subtree, or the layanan's unit alone
    services: list = field(default_factory=list)  # the layanan it covers (ServiceRow or Layanan), by name

    @property
    def layanan_ids(self) -> list[int]:
        return [s.id for s in self.services]

    def file_stem(self, period: Period) -> str:
        """`dayasos-2025`, `izin-ugb-32-2025-q1`: what the scope's downloads are named after."""
        parts = [self.layanan.slug if self.layanan else self.unit.code, *([self.region.code] if self.region else []),
                 period.code]
        return "-".join(parts).lower()


def find_region(code: str | None) -> RegionFilter | None:
    """The region with this BPS code and its subtree, None for no filter; UnknownName for an unknown code."""
    code = (code or "").strip()
    if not code:
        return None
    found = list(db.session.scalars(select(Region).where(Region.id.in_(
        region_subtree_ids(select(Region.id).where(Region.code == code).scalar_subquery())))))
    region = next((r for r in found if r.code == code), None)
    if region is None:
        raise UnknownName("--region", f"wilayah '{code}' tidak ditemukan", code)
    return RegionFilter(region, {r.id for r in found})


def _tree(root_id: int | None, visible_to: int | None = None) -> tuple[list[Unit], list[Layanan]]:
    """The subtree of `root_id` (units by code) and its layanan (by name), in one query.

    With `visible_to` (the user's unit id) only units inside that subtree come
    back, so a root outside it returns nothing.
    """
    rank = func.dense_rank().over(order_by=Unit.code).label("rank")
    stmt = (select(Unit, rank, *ServiceRow.columns()).outerjoin(Layanan, Layanan.unit_id == Unit.id)
            .where(Unit.id.in_(unit_subtree_ids(root_id))).order_by(Layanan.name))
    if visible_to is not None:
        stmt = stmt.where(Unit.id.in_(unit_subtree_ids(visible_to)))
    units: dict[int, tuple[int, Unit]] = {}
    services = []
    for unit, position, *service in db.session.execute(stmt):
        units[unit.id] = (position, unit)
        if service[0] is not None:
            services.append(ServiceRow(*service))
    return [unit for _position, unit in sorted(units.values(), key=lambda item: item[0])], services


def _narrowed(services: list[Layanan], region: RegionFilter | None) -> list[Layanan]:
    # A layanan without a region appears only unfiltered.
    return services if region is None else [s for s in services if s.region_id in region.ids]


def resolve(user, *, unit_id: int | None, layanan_id: int | None, region_code: str | None,
            invalid: str | None = None) -> ReportScope:
    """The report scope a filter names, checked against `user`'s unit subtree.

    ``unit_id``/``layanan_id`` are the raw ids of the request (None when absent
    or malformed). Ids outside the scope are OutOfScope before anything else,
    then ``invalid`` (the filter's own validation message) is a BadFilter, then a
    layanan outside the chosen unit is OutOfScope and an unknown region a BadFilter.
    """
    chosen = unit_id if unit_id is not None else user.unit_id
    if layanan_id is not None and layanan_id != ALL:
        inside = Layanan.unit_id.in_(unit_subtree_ids(chosen)).label("inside")
        visible = aliased(Unit)  # its own FROM: the layanan's unit must not correlate into this check
        chosen_visible = select(visible.id).where(visible.id == chosen, visible.id.in_(unit_subtree_ids(user.unit_id)))
        row = db.session.execute(
            select(Layanan, Unit, inside, chosen_visible.exists().label("chosen_visible"))
            .join(Unit, Unit.id == Layanan.unit_id)
            .where(Layanan.id == layanan_id, Layanan.unit_id.in_(unit_subtree_ids(user.unit_id)))).first()
        if row is None or not row.chosen_visible:
            raise OutOfScope
        if invalid:
            raise BadFilter(invalid)
        if not row.inside:
            raise OutOfScope
        layanan = row.Layanan
        region = _region(region_code)
        return ReportScope(layanan.unit, layanan, region and region.region, [layanan.unit],
                           _narrowed([layanan], region))
    units, services = _tree(chosen, visible_to=user.unit_id)
    if chosen not in {u.id for u in units}:
        raise OutOfScope
    if invalid:
        raise BadFilter(invalid)
    region = _region(region_code)
    unit = next(u for u in units if u.id == chosen)
    return ReportScope(unit, None, region and region.region, units, _narrowed(services, region))


def _region(code: str | None) -> RegionFilter | None:
    try:
        return find_region(code)
    except UnknownName as err:
        raise BadFilter(f"Wilayah dengan kode '{err.value[:20]}' tidak ditemukan.") from None


def for_command(unit_code: str, layanan_slug: str | None = None, region_code: str | None = None) -> ReportScope:
    """The scope the command line names by unit code, layanan slug and region code (every unit is visible)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        raise UnknownName("--unit", f"unit '{unit_code}' tidak ditemukan")
    region = find_region(region_code)
    if layanan_slug:
        layanan = db.session.scalar(select(Layanan).where(
            Layanan.slug == layanan_slug.strip().lower(), Layanan.unit_id.in_(unit_subtree_ids(unit.id))))
        if layanan is None:
            raise UnknownName("--layanan", f"layanan '{layanan_slug}' tidak ada di unit {unit.code}")
        return ReportScope(layanan.unit, layanan, region and region.region, [layanan.unit],
                           _narrowed([layanan], region))
    units, services = _tree(unit.id)
    return ReportScope(unit, None, region and region.region, units, _narrowed(services, region))


def report_scope(unit: Unit, layanan: Layanan | None = None, region: Region | None = None) -> ReportScope:
    """The scope of a report asked for by objects the caller already checked (services, tests)."""
    narrowing = None if region is None else RegionFilter(region, set(db.session.scalars(region_subtree_ids(region.id))))
    if layanan is not None:
        return ReportScope(layanan.unit, layanan, region, [layanan.unit], _narrowed([layanan], narrowing))
    units, services = _tree(unit.id)
    return ReportScope(unit, None, region, units, _narrowed(services, narrowing))


def report_layanan_ids(unit: Unit, layanan: Layanan | None = None, region: Region | None = None) -> list[int]:
    """Ids of the layanan a report covers: one layanan, or the unit subtree's, narrowed to a region."""
    if layanan is not None:
        return report_scope(unit, layanan, region).layanan_ids
    stmt = select(Layanan.id).where(Layanan.unit_id.in_(unit_subtree_ids(unit.id)))
    if region is not None:
        stmt = stmt.where(Layanan.region_id.in_(region_subtree_ids(region.id)))
    return list(db.session.scalars(stmt))


@dataclass
class FilterChoices:
    units: list[tuple[int, str]]
    layanan: list[tuple[int, str]]
    regions: list[tuple[str, str]]


def filter_choices(user) -> FilterChoices:
    """The dashboard filter's lists: the user's units and layanan, and every region."""
    return FilterChoices(
        units=[(u.id, f"{u.code} — {u.name}") for u in db.session.scalars(scoped(Unit, user).order_by(Unit.code))],
        layanan=[(ALL, "— semua layanan —")] + [
            (s.id, s.name) for s in db.session.scalars(scoped(Layanan, user).order_by(Layanan.name))],
        regions=[("", "— semua wilayah —")] + [
            (r.code, f"{r.code} {r.name}") for r in db.session.scalars(select(Region).order_by(Region.code))])
