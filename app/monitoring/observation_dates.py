"""The date rules every field observation obeys, on every write path (web form,
offline queue JSON, imports, demo data).

- An observation (a monitoring or visit date) cannot be after today, and
  "today" is the date in the recording unit's own time zone (WIB/WITA/WIT).
- An intervention cannot be after the monitoring that observes its effect.
- Dates stay in a sane range (2000-01-01 onwards): nothing in this programme
  predates that, and a date like 9999-12-31 would otherwise overflow the
  three-month eligibility arithmetic.

Messages are Indonesian and keyed by the field/column they belong to.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

EARLIEST = date(2000, 1, 1)
DEFAULT_ZONE = "Asia/Jakarta"


def today_in(tz_name: str | None, now: datetime | None = None) -> date:
    """Today's date in the given zone (a unit's timezone)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(tz_name or DEFAULT_ZONE)).date()


def unit_today(unit_id: int | None, now: datetime | None = None) -> date:
    """Today's date in the time zone of the unit with this id."""
    from app.extensions import db
    from app.models import Unit

    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return today_in(unit.timezone if unit else None, now)


def observation_errors(observed: date | None, today: date, label: str = "Tanggal monitoring") -> list[str]:
    """Problems with a monitoring/visit date: before 2000 or after the unit's today."""
    if observed is None:
        return []
    if observed < EARLIEST:
        return [f"{label} {observed:%d-%m-%Y} terlalu lama; paling awal {EARLIEST:%d-%m-%Y}."]
    if observed > today:
        return [f"{label} {observed:%d-%m-%Y} belum terjadi; isi tanggal yang sudah lewat atau hari ini "
                f"({today:%d-%m-%Y})."]
    return []


def intervention_errors(intervention: date | None, today: date) -> list[str]:
    """Problems with an intervention date on its own: before 2000 or after the unit's today."""
    return observation_errors(intervention, today, "Tanggal intervensi")


def order_errors(intervention: date | None, monitoring: date | None) -> list[str]:
    """An intervention can never be after the monitoring that observes it (same day is fine)."""
    if intervention is not None and monitoring is not None and intervention > monitoring:
        return ["Tanggal monitoring tidak boleh sebelum tanggal intervensi."]
    return []
