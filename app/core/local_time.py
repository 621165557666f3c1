"""Times as an Indonesian reader expects them: the unit's own zone, named WIB, WITA or WIT.

Timestamps are stored as naive UTC; every report, export and document shows
them in the zone of the unit they belong to, with the zone's Indonesian
abbreviation, never as "UTC".
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ZONE_ABBR = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
DEFAULT_ZONE = "Asia/Jakarta"
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def zone_abbr(tz_name: str | None) -> str:
    return ZONE_ABBR.get(tz_name or DEFAULT_ZONE, "WIB")


def to_local(moment: datetime, tz_name: str | None) -> datetime:
    """A naive-UTC (or aware) datetime as naive local time in the zone (what a spreadsheet cell holds)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(tz_name or DEFAULT_ZONE)).replace(tzinfo=None)


def date_id(day: date) -> str:
    """30 November 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def datetime_id(moment: datetime, tz_name: str | None) -> str:
    """'30 November 2026 pukul 15.12 WIB' for a UTC moment, in the unit's zone."""
    local = to_local(moment, tz_name)
    return f"{date_id(local)} pukul {local:%H.%M} {zone_abbr(tz_name)}"


def now_utc() -> datetime:
    return datetime.now(UTC)
