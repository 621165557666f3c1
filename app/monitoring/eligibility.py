"""The 3-calendar-month rule for "meningkat pendapatan" (seed 002 lines 1870, 1892).

Convention: the earliest eligible monitoring date is the intervention date plus
three calendar months; when that month is shorter, the day is clamped to its
last day (30 Nov + 3 months = 28 Feb, or 29 Feb in a leap year; 31 Mar -> 30 Jun).
A monitoring on that exact day is eligible; one day earlier is not.
"""
from __future__ import annotations

import calendar
from datetime import date

MIN_MONTHS = 3


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_eligible(intervention: date, months: int = MIN_MONTHS) -> date:
    return add_months(intervention, months)


def is_eligible(intervention: date, monitoring: date, months: int = MIN_MONTHS) -> bool:
    return monitoring >= earliest_eligible(intervention, months)
