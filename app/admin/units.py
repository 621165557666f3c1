"""Units: the one write path for creating and editing a unit (its place in the tree, its
report signatory and its cover logo), plus the choice lists the unit and layanan forms show.

An admin manages their own unit's subtree: a unit hangs only under a unit they manage and
never inside its own subtree, and the admin's own root stays where it is (moving it would
move their scope).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select

from app.admin import records
from app.core import paging
from app.core.scoping import scoped, unit_subtree_ids
from app.extensions import db
from app.models import Unit
from app.models.org import UNIT_LEVELS
from app.reports import unit_logo

CODE_TAKEN = "Kode unit sudah dipakai."
NOT_LISTED = "Pilih unit dari daftar."


@dataclass
class UnitValues:
    code: str
    name: str
    level: str
    timezone: str
    active: bool
    parent_id: int | None = None  # ignored for the admin's own unit
    report_place: str | None = None
    head_title: str | None = None
    head_name: str | None = None
    head_nip: str | None = None
    logo: bytes | None = None  # a new upload's bytes (at most unit_logo.MAX_BYTES + 1 read)
    remove_logo: bool = False


def level_below(level: str | None) -> str:
    """The unit level under `level` (kementerian -> eselon1 -> ...); the lowest stays the lowest."""
    if level not in UNIT_LEVELS:
        return UNIT_LEVELS[-1]
    return UNIT_LEVELS[min(UNIT_LEVELS.index(level) + 1, len(UNIT_LEVELS) - 1)]


def new_unit(actor) -> Unit:
    """A new unit hangs under the admin's own unit, one level down, in its time zone."""
    own = actor.unit
    return Unit(active=True, timezone=own.timezone, parent_id=own.id, level=level_below(own.level))


def list_query(actor, search: str = "") -> Select:
    """The units `actor` manages, by code, narrowed to `search` in code or name."""
    stmt = scoped(Unit, actor).order_by(Unit.code)
    return stmt.where(paging.contains(search, Unit.code, Unit.name)) if search else stmt


def choices(actor) -> list[tuple[int, str]]:
    """(id, "CODE — name") of every unit `actor` manages."""
    units = db.session.scalars(scoped(Unit, actor).order_by(Unit.code)).all()
    return [(u.id, f"{u.code} — {u.name}") for u in units]


def parent_choices(unit: Unit, actor) -> list[tuple[int, str]]:
    """Where `unit` may hang: a unit `actor` manages, never inside `unit`'s own subtree."""
    own_tree = _subtree(unit.id)
    return [(u, label) for u, label in choices(actor) if u not in own_tree]


def is_own_root(unit: Unit, actor) -> bool:
    return unit.id is not None and unit.id == actor.unit_id


def save(unit: Unit, values: UnitValues, *, actor, instance_path: str) -> str | None:
    """Create or update `unit` as `actor`; Invalid names the refused field. Returns the file
    name of a logo the unit no longer uses, for the caller to delete once committed."""
    if records.exists(Unit, Unit.code, values.code, unit.id):
        raise records.Invalid("code", CODE_TAKEN)
    if is_own_root(unit, actor) and not values.active:
        raise records.Invalid("active", records.OWN_UNIT)
    fields = {name: getattr(values, name) for name in ("code", "name", "level", "timezone", "active",
                                                        "report_place", "head_title", "head_name", "head_nip")}
    if not is_own_root(unit, actor):
        if values.parent_id not in {u for u, _label in parent_choices(unit, actor)}:
            raise records.Invalid("parent_id", NOT_LISTED)
        fields["parent_id"] = values.parent_id
    old_logo = unit.logo_file
    fields["logo_file"] = _logo_to_keep(values, old_logo, instance_path)
    records.save(unit, fields, actor=actor)
    return old_logo if old_logo and old_logo != fields["logo_file"] else None


def _logo_to_keep(values: UnitValues, current: str | None, instance_path: str) -> str | None:
    """A newly stored upload, None when removed, else the current file name."""
    if values.logo is not None:
        try:
            return unit_logo.store(values.logo, instance_path)
        except unit_logo.LogoError as err:
            raise records.Invalid("logo", str(err)) from None
    if values.remove_logo:
        return None
    return current


def _subtree(unit_id: int | None) -> set[int]:
    return set(db.session.scalars(unit_subtree_ids(unit_id))) if unit_id else set()
