"""Where an income sample stands: its income band against the province's poverty lines and the
kab/kota UMK, and whether a KPM is graduation-ready. The judgements are analysis.income's; this
module only finds the reference lines to feed it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from analysis.income import graduation_ready, income_band
from app.extensions import db
from app.models import IncomeSample, PovertyLine, Region, Umk

BAND_LABELS = {
    "below-extreme": "Di bawah garis kemiskinan ekstrem",
    "between-lines": "Antara garis kemiskinan ekstrem dan garis kemiskinan",
    "above-poverty-line": "Di atas garis kemiskinan",
    "above-UMK": "Di atas UMK",
}
# Omzet is revenue, not income: it is never banded against poverty lines or the UMK.
BANDED_MEASURES = ("laba", "pendapatan_rt")


@dataclass(frozen=True)
class Band:
    code: str | None
    label: str
    per_capita: int | None = None
    extreme_line: int | None = None
    poverty_line: int | None = None
    umk: int | None = None
    demo: bool = False


def _province_id(region: Region) -> int | None:
    return region.parent_id if region.level == "kabkota" else (region.id if region.level == "provinsi" else None)


def poverty_line_for(region: Region, monitoring: date) -> PovertyLine | None:
    """The province's latest line published at or before the monitoring month."""
    province = _province_id(region)
    month = f"{monitoring.year:04d}-{monitoring.month:02d}"
    return db.session.scalar(select(PovertyLine).where(PovertyLine.province_id == province, PovertyLine.period <= month)
                             .order_by(PovertyLine.period.desc()).limit(1))


def umk_for(region_id: int, year: int) -> Umk | None:
    return db.session.scalar(select(Umk).where(Umk.region_id == region_id, Umk.year == year))


def band_for(sample: IncomeSample) -> Band:
    if sample.measure not in BANDED_MEASURES:
        return Band(None, "Tidak dibandingkan (omzet bukan pendapatan)")
    line = poverty_line_for(sample.region, sample.monitoring_date)
    if line is None:
        return Band(None, "Garis kemiskinan provinsi untuk periode ini belum tersedia")
    umk = umk_for(sample.region_id, sample.monitoring_date.year)
    per_capita = sample.income_after // sample.household_size
    code = income_band(sample.income_after / sample.household_size, line.extreme_line, line.poverty_line,
                       household_income=sample.income_after if umk else None, umk=umk.amount if umk else None)
    return Band(code, BAND_LABELS[code], per_capita, line.extreme_line, line.poverty_line,
                umk.amount if umk else None, line.is_demo or bool(umk and umk.is_demo))


def monthly_series(samples: list[IncomeSample]) -> tuple[list[int | None], list[int | None]]:
    """Income after and UMK per calendar month, oldest first; a month without a sample is None.

    Several samples in one month: the latest one counts.
    """
    by_month: dict[tuple[int, int], IncomeSample] = {}
    for s in sorted(samples, key=lambda s: (s.monitoring_date, s.id)):
        by_month[(s.monitoring_date.year, s.monitoring_date.month)] = s
    if not by_month:
        return [], []
    first, last = min(by_month), max(by_month)
    incomes, umks = [], []
    year, month = first
    while (year, month) <= last:
        sample = by_month.get((year, month))
        umk = umk_for(sample.region_id, year) if sample else None
        incomes.append(sample.income_after if sample and umk else None)
        umks.append(umk.amount if umk else None)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return incomes, umks


def graduation_for(samples: list[IncomeSample]) -> bool | None:
    """Graduation-ready (above the UMK for 3 consecutive monthly observations); None when it cannot be judged."""
    banded = [s for s in samples if s.status == "valid" and s.measure in BANDED_MEASURES]
    incomes, umks = monthly_series(banded)
    if len(incomes) < 3:
        return False if incomes else None
    # analysis.income needs a positive UMK per month; a month without one is a gap (income None).
    filled = [u if u is not None else 1 for u in umks]
    return graduation_ready(incomes, filled, months=3)
