"""KPM income samples: validation, derived fields, the one write path, income bands and graduation.

Every way a sample is stored (web form and offline queue, legacy import, demo
data) goes through `save()`, which validates with `sample_errors()` first, so
the rules (dates via app.monitoring.observation_dates, bounded numbers, known
measure and status) hold on every path. `eligible` follows
app.monitoring.eligibility (3 calendar months), `increased` is after > before on
the sample's own measure. Bands and graduation call analysis.income; this
module only finds the reference lines to feed it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from analysis.income import graduation_ready, income_band
from app.core import nik as nik_service
from app.core.idempotent import get_or_create_id, insert_or_nothing
from app.extensions import db
from app.models import IncomeSample, Kpm, PovertyLine, Region, Umk
from app.models.kpm import BUSINESS_STATUS, INCOME_MEASURES
from app.monitoring.eligibility import is_eligible
from app.monitoring.observation_dates import intervention_errors, observation_errors, order_errors, unit_today

BAND_LABELS = {
    "below-extreme": "Di bawah garis kemiskinan ekstrem",
    "between-lines": "Antara garis kemiskinan ekstrem dan garis kemiskinan",
    "above-poverty-line": "Di atas garis kemiskinan",
    "above-UMK": "Di atas UMK",
}
# Omzet is revenue, not income: it is never banded against poverty lines or the UMK.
BANDED_MEASURES = ("laba", "pendapatan_rt")
INCOME_MAX = 2**63 - 1  # the BIGINT column; the configurable sanity limit (with confirmation) is far below


class SampleInvalid(ValueError):
    """The sample breaks a rule; `errors` maps field/column name to Indonesian messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


def kpm_id_for(nik: str) -> int:
    """Id of the KPM with this (already validated) NIK; only its HMAC and last 4 digits are stored."""
    return get_or_create_id(Kpm, "nik_hmac", {
        "nik_hmac": nik_service.nik_hmac(nik), "nik_last4": nik_service.last4(nik),
    })


def derived(values: dict) -> dict:
    """Add eligible, increased and period to a sample's column values."""
    monitoring: date = values["monitoring_date"]
    return {
        **values,
        "eligible": is_eligible(values["intervention_date"], monitoring),
        "increased": values["income_after"] > values["income_before"],
        "period": f"{monitoring.year:04d}-{monitoring.month:02d}",
    }


def sample_errors(values: dict, today: date) -> dict[str, list[str]]:
    """Every rule a stored sample obeys, whatever path it came by; empty when it is fine.

    `today` is the date in the sample's unit's time zone. Values that are None
    (a field the caller already reported as missing) are skipped.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        if messages:
            errors.setdefault(name, []).extend(messages)

    monitoring, intervention = values.get("monitoring_date"), values.get("intervention_date")
    add("monitoring_date", observation_errors(monitoring, today))
    add("intervention_date", intervention_errors(intervention, today))
    if not errors:
        add("monitoring_date", order_errors(intervention, monitoring))
    bounds = {"household_size": (1, 50), "cohort_year": (2000, 2100),
              "income_before": (0, INCOME_MAX), "income_after": (0, INCOME_MAX)}
    for name, (low, high) in bounds.items():
        value = values.get(name)
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            add(name, [f"Harus bilangan bulat {low} sampai {high:,}.".replace(",", ".")])
    if values.get("measure") is not None and values["measure"] not in INCOME_MEASURES:
        add("measure", [f"Harus salah satu dari {', '.join(INCOME_MEASURES)}."])
    if values.get("business_status") is not None and values["business_status"] not in BUSINESS_STATUS:
        add("business_status", ["Harus 'berjalan' atau 'berhenti'."])
    return errors


def save(values: dict, *, nik: str | None = None, existing: IncomeSample | None = None) -> tuple[IncomeSample, bool]:
    """Validate, derive and write one sample; the only way samples are stored. Returns (row, created).

    New sample (`existing` None): `nik` (already normalised) names its KPM and
    the insert is idempotent on instance_id: created is False when that
    instance_id was already stored, and the stored row is returned untouched.
    Otherwise `existing` is updated in place. Raises SampleInvalid, before
    writing anything, when a rule is broken. The caller owns the transaction.
    """
    unit_id = values.get("unit_id", existing.unit_id if existing is not None else None)
    errors = sample_errors(values, unit_today(unit_id))
    if errors:
        raise SampleInvalid(errors)
    if existing is not None:
        for key, value in derived(values).items():
            setattr(existing, key, value)
        db.session.flush()
        return existing, False
    if nik is not None:
        values = {**values, "kpm_id": kpm_id_for(nik)}
    created = insert_or_nothing(IncomeSample, derived(values), ["instance_id"])
    row = db.session.scalar(select(IncomeSample).where(IncomeSample.instance_id == values["instance_id"]))
    return row, created


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
