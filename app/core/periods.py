"""Reporting periods as ranges of months.

Responses store their month ("YYYY-MM", in the unit's local zone), so a year,
semester, quarter or month is simply an inclusive range of those strings and
filters stay index-friendly: `SkmResponse.period.between(p.start, p.end)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
             "Agustus", "September", "Oktober", "November", "Desember")
ROMAN = ("I", "II", "III", "IV")
KIND_MONTHS = {"year": 12, "semester": 6, "quarter": 3, "month": 1}
_PATTERN = re.compile(r"^([0-9]{4})(?:-(S[12]|Q[1-4]|[0-9]{2}))?\Z")  # ASCII digits only (see app.core.parsing)


def period_of(utc_naive: datetime, tz_name: str) -> str:
    """The local month ("YYYY-MM") of a naive-UTC timestamp in the given zone."""
    local = utc_naive.replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))
    return f"{local.year:04d}-{local.month:02d}"


@dataclass(frozen=True)
class Period:
    kind: str  # year | semester | quarter | month
    year: int
    number: int  # semester 1-2, quarter 1-4, month 1-12; 1 for a year

    @property
    def first_month(self) -> int:
        return (self.number - 1) * KIND_MONTHS[self.kind] + 1

    @property
    def start(self) -> str:
        return f"{self.year:04d}-{self.first_month:02d}"

    @property
    def end(self) -> str:
        return f"{self.year:04d}-{self.first_month + KIND_MONTHS[self.kind] - 1:02d}"

    @property
    def code(self) -> str:
        return {
            "year": f"{self.year}",
            "semester": f"{self.year}-S{self.number}",
            "quarter": f"{self.year}-Q{self.number}",
            "month": f"{self.year}-{self.number:02d}",
        }[self.kind]

    @property
    def label(self) -> str:
        # Only the branch for this kind is evaluated: ROMAN has 4 entries, so a dict of every
        # kind's f-string raised IndexError for months May to December.
        if self.kind == "year":
            return f"Tahun {self.year}"
        if self.kind == "month":
            return f"{MONTHS_ID[self.number - 1]} {self.year}"
        word = "Semester" if self.kind == "semester" else "Triwulan"
        return f"{word} {ROMAN[self.number - 1]} {self.year}"

    def contains(self, month: str) -> bool:
        return self.start <= month <= self.end

    def shifted(self, steps: int) -> Period:
        per_year = 12 // KIND_MONTHS[self.kind]
        index = self.year * per_year + (self.number - 1) + steps
        return Period(self.kind, index // per_year, index % per_year + 1)

    def previous(self, n: int) -> list[Period]:
        """The n periods of the same kind before this one, oldest first (for trends)."""
        return [self.shifted(-k) for k in range(n, 0, -1)]

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """Parse "2025", "2025-S1", "2025-Q3" or "2025-03"."""
    match = _PATTERN.match((text or "").strip().upper())
    if not match:
        raise ValueError("Periode tidak dikenal. Gunakan 2025, 2025-S1, 2025-Q1 atau 2025-03.")
    year, part = int(match.group(1)), match.group(2)
    if not 2000 <= year <= 2100:
        raise ValueError("Tahun periode harus antara 2000 dan 2100.")
    if part is None:
        return Period("year", year, 1)
    if part[0] == "S":
        return Period("semester", year, int(part[1]))
    if part[0] == "Q":
        return Period("quarter", year, int(part[1]))
    month = int(part)
    if not 1 <= month <= 12:
        raise ValueError("Bulan periode harus 01 sampai 12.")
    return Period("month", year, month)


def current_period(tz_name: str, kind: str = "year", now: datetime | None = None) -> Period:
    """The period of `kind` containing now, in the given zone."""
    if kind not in KIND_MONTHS:
        raise ValueError(f"jenis periode tidak dikenal: {kind}")
    month = period_of(now or datetime.now(UTC).replace(tzinfo=None), tz_name)
    year, mon = int(month[:4]), int(month[5:])
    return Period(kind, year, (mon - 1) // KIND_MONTHS[kind] + 1)
