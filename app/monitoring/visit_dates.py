"""Is a pendamping check's visit date plausible for its period?

A check counts for its period (app.monitoring.stats filters by period_start/end),
so a visit outside that period would be counted in the wrong year or quarter.
A visit after today cannot have happened; that rule, with "today" taken in the
recording unit's time zone, lives in app.monitoring.observation_dates and is
shared with the income samples.
"""
from __future__ import annotations

import calendar
from datetime import date

from app.core.periods import Period
from app.monitoring.observation_dates import observation_errors


def period_days(period: Period) -> tuple[date, date]:
    """First and last day of the period."""
    end_year, end_month = int(period.end[:4]), int(period.end[5:7])
    first = date(period.year, period.first_month, 1)
    return first, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def visit_date_errors(visit: date, period: Period, today: date) -> list[str]:
    """Indonesian messages for a visit date after `today` (the unit's) or outside the period; empty when fine."""
    errors = observation_errors(visit, today)
    first, last = period_days(period)
    if not first <= visit <= last:
        errors.append(f"Tanggal monitoring {visit:%d-%m-%Y} di luar periode {period.label} "
                      f"({first:%d-%m-%Y} s.d. {last:%d-%m-%Y}); periksa tanggal atau periodenya.")
    return errors
