"""Periods are month ranges in the unit's local zone."""
from datetime import datetime

import pytest

from app.core.periods import Period, current_period, parse_period, period_of


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2025", "2025-01", "2025-12", "Tahun 2025"),
    ("2025-S2", "2025-07", "2025-12", "Semester II 2025"),
    ("2025-q3", "2025-07", "2025-09", "Triwulan III 2025"),
    ("2025-03", "2025-03", "2025-03", "Maret 2025"),
])
def test_parse_period(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["", "25", "2025-13", "2025-Q5", "2025-S3", "1999", "2025-00", "2025/03", "x"])
def test_bad_periods_raise_in_indonesian(text):
    with pytest.raises(ValueError, match="[Pp]eriode"):
        parse_period(text)


def test_month_is_counted_in_local_time():
    # 31 March 2025 16:30 UTC is already 1 April in WITA (UTC+8) and WIT (UTC+9), still March in WIB.
    moment = datetime(2025, 3, 31, 16, 30)
    assert period_of(moment, "Asia/Jakarta") == "2025-03"
    assert period_of(moment, "Asia/Makassar") == "2025-04"
    assert period_of(moment, "Asia/Jayapura") == "2025-04"


def test_previous_periods_cross_year_boundaries():
    assert [p.code for p in parse_period("2025-Q1").previous(3)] == ["2024-Q2", "2024-Q3", "2024-Q4"]
    assert [p.code for p in parse_period("2025-01").previous(2)] == ["2024-11", "2024-12"]
    assert [p.code for p in parse_period("2025").previous(1)] == ["2024"]


def test_current_period_uses_the_zone():
    now = datetime(2025, 12, 31, 18, 0)  # 1 Jan 2026 01:00 WIB
    assert current_period("Asia/Jakarta", "year", now=now) == Period("year", 2026, 1)
    assert current_period("Asia/Jakarta", "quarter", now=datetime(2025, 8, 1)).code == "2025-Q3"


def test_every_month_has_a_label():
    """May to December used to raise IndexError (the quarter numerals were evaluated for months too)."""
    from app.core.periods import parse_period

    labels = [parse_period(f"2025-{m:02d}").label for m in range(1, 13)]
    assert labels[4] == "Mei 2025" and labels[11] == "Desember 2025"
    assert parse_period("2025-S2").label == "Semester II 2025" and parse_period("2025-Q4").label == "Triwulan IV 2025"
