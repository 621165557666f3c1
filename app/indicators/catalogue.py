"""The indicator catalogue edited on the web: the choices an edit form offers and the one
write path for an indicator's definition there (the JSON file goes through app.indicators.loader).

Every lookup is scoped to the acting user, so nothing outside their subtree can
be linked, and every change is audited with that user as the actor.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.core import audit
from app.core.scoping import get_scoped_or_404, scoped
from app.extensions import db
from app.models import Indicator, Layanan, Unit, User

FIELDS = ("unit_id", "code", "name", "kind", "polarity", "source", "ci_method", "use_fpc", "pendamping_type",
          "income_program", "income_measure", "aggregate_method", "description", "active")


class CodeTaken(ValueError):
    """Another indicator of the unit already has this code."""

    def __init__(self) -> None:
        super().__init__("Kode sudah dipakai indikator lain di unit ini.")


@dataclass(frozen=True)
class Choices:
    """(id, label) pairs for the edit form, each limited to the user's scope."""

    units: list[tuple[int, str]]
    layanan: list[tuple[int, str]]
    components: list[tuple[int, str]]


def new_indicator(unit_id: int | None) -> Indicator:
    """A not-yet-saved indicator with the form's defaults, in the admin's own unit."""
    return Indicator(unit_id=unit_id, active=True, use_fpc=True, ci_method="wilson")


def choices(user: User, indicator_id: int | None) -> Choices:
    """Units, layanan and possible sub-indicators the user may link (never the indicator itself)."""
    units = db.session.scalars(scoped(Unit, user).order_by(Unit.code))
    layanan = db.session.scalars(scoped(Layanan, user).join(Layanan.unit).order_by(Unit.code, Layanan.name))
    indicators = db.session.scalars(scoped(Indicator, user).join(Indicator.unit).order_by(Unit.code, Indicator.code))
    return Choices(
        units=[(u.id, f"{u.code} — {u.name}") for u in units],
        layanan=[(s.id, f"{s.unit.code} — {s.name}") for s in layanan],
        components=[(i.id, f"{i.unit.code} {i.code} — {i.name}") for i in indicators if i.id != indicator_id])


def save(indicator: Indicator, values: dict[str, Any], layanan_ids: list[int], component_ids: list[int], *,
         actor: User) -> Indicator:
    """Create or update `indicator` from `values` (keys FIELDS; "" means empty) and its links.

    Raises CodeTaken, before changing anything, when the unit already has the code.
    """
    clash = db.session.scalar(select(Indicator.id).where(
        Indicator.unit_id == values["unit_id"], Indicator.code == values["code"],
        Indicator.id != (indicator.id or 0)))
    if clash:
        raise CodeTaken
    before = audit.snapshot(indicator) if indicator.id else None
    for name in FIELDS:
        value = values[name]
        setattr(indicator, name, value if value != "" else None)
    if indicator.source != "aggregate":
        indicator.aggregate_method = None
    indicator.layanan = [get_scoped_or_404(Layanan, i, actor) for i in layanan_ids]
    indicator.components = [get_scoped_or_404(Indicator, i, actor) for i in component_ids]
    db.session.add(indicator)
    db.session.flush()
    audit.record("update" if before else "create", indicator, before=before, actor=actor)
    return indicator
