"""Is a pendamping check's visit date plausible for its period?

A check counts for its period (monitoring_stats filters by period_start/end),
so a visit outside that period would be counted in the wrong year or quarter,
and a visit in the future cannot have happened. "Today" is the date in WIT
(UTC+9), the easternmost Indonesian zone: every monitor's local today is on or
before it, so a visit made today anywhere in Indonesia is never refused.
"""
from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.services.periods import Period

LATEST_ZONE = ZoneInfo("Asia/Jayapura")


def latest_today(now: datetime | None = None) -> date:
    """Today's date in the easternmost Indonesian zone."""
    return (now or datetime.now(UTC)).astimezone(LATEST_ZONE).date()


def period_days(period: Period) -> tuple[date, date]:
    """First and last day of the period."""
    end_year, end_month = int(period.end[:4]), int(period.end[5:7])
    first = date(period.year, period.first_month, 1)
    return first, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def visit_date_errors(visit: date, period: Period, today: date | None = None) -> list[str]:
    """Indonesian messages for a visit date after today or outside the period; empty when it is fine."""
    today = today or latest_today()
    errors = []
    if visit > today:
        errors.append(f"Tanggal monitoring {visit:%d-%m-%Y} belum terjadi; isi tanggal kunjungan yang sudah lewat "
                      "atau hari ini.")
    first, last = period_days(period)
    if not first <= visit <= last:
        errors.append(f"Tanggal monitoring {visit:%d-%m-%Y} di luar periode {period.label} "
                      f"({first:%d-%m-%Y} s.d. {last:%d-%m-%Y}); periksa tanggal atau periodenya.")
    return errors
