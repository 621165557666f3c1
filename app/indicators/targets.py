"""What an admin enters per indicator and year: target revisions and manual values.

A target is never overwritten: a revised PK adds a revision, and the one in
force is the latest by effective date (app.indicators.sources.target_in_force).
A manual value is one row per year, corrected in place. Both are audited with
the acting admin.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.core import audit
from app.extensions import db
from app.indicators.sources import manual_row
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, User
from app.webhooks import events as webhook_events


class RevisionTaken(ValueError):
    """The indicator already has a target revision of this name for the year."""

    def __init__(self) -> None:
        super().__init__("Revisi dengan nama ini sudah ada untuk tahun itu; beri nama revisi baru.")


def add_target(indicator: Indicator, *, year: int, revision: str, effective_date: date, value: Decimal | float,
               note: str | None, actor: User) -> IndicatorTarget:
    """Add a target revision; RevisionTaken when (year, revision) exists, keeping the earlier one."""
    revision = revision.strip()
    exists = db.session.scalar(select(IndicatorTarget).where(
        IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.year == year,
        IndicatorTarget.revision == revision))
    if exists is not None:
        raise RevisionTaken
    target = IndicatorTarget(indicator_id=indicator.id, year=year, revision=revision, effective_date=effective_date,
                             value=float(value), note=note or None)
    db.session.add(target)
    db.session.flush()
    audit.record("create", target, actor=actor)
    webhook_events.indicator_value(indicator, kind="target", year=year, value=target.value, revision=revision)
    return target


def set_manual_value(indicator: Indicator, *, year: int, value: Decimal | float | None, n: int | None,
                     t: int | None, population: int | None, note: str, actor: User) -> IndicatorManualValue:
    """Create or correct the year's manual value (n and t, or the value alone)."""
    row = manual_row(indicator, year)
    before = audit.snapshot(row) if row else None
    row = row or IndicatorManualValue(indicator_id=indicator.id, year=year)
    row.value = float(value) if value is not None else None
    row.n, row.t, row.population, row.note = n, t, population, note
    db.session.add(row)
    db.session.flush()
    audit.record("update" if before else "create", row, before=before, actor=actor)
    webhook_events.indicator_value(indicator, kind="manual", year=year, value=row.value)
    return row
