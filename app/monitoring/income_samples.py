"""KPM income samples: the one write path, with every rule a stored sample obeys.

Every way a sample is stored (web form and offline queue, correction, legacy
import, demo data) goes through `save()`, which validates with `problems()`
first, so each rule lives here once: the NIK (ASCII digits only, app.core.nik),
the kab/kota (a kab/kota, inside the monitor's region when a monitor records
it; taken from the NIK's code when the form leaves it to the NIK), the dates
(app.monitoring.observation_dates), bounded numbers, known measure and status,
and the confirmation of an amount above INCOME_SANITY_MAX. `eligible` follows
app.monitoring.eligibility (3 calendar months), `increased` is after > before
on the sample's own measure. Bands and graduation are app.monitoring.income_bands.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from app.core import audit
from app.core import nik as nik_service
from app.core.idempotent import get_or_create_id, insert_or_nothing
from app.core.scoping import region_clause
from app.extensions import db
from app.models import IncomeProgram, IncomeSample, Kpm, Region, User
from app.models.kpm import BUSINESS_STATUS, INCOME_MEASURES
from app.monitoring.eligibility import earliest_eligible, is_eligible
from app.monitoring.observation_dates import intervention_errors, observation_errors, order_errors, unit_today
from app.webhooks import events as webhook_events

INCOME_MAX = 2**63 - 1  # the BIGINT column; the configurable sanity limit (with confirmation) is far below
REQUIRED = ("program_id", "region_id", "cohort_year", "intervention_date", "monitoring_date", "household_size",
            "measure", "income_before", "income_after", "business_status")
CONFIRM_BY_TICK = "centang konfirmasi ini"  # how the form confirms; the import names its column instead


class SampleInvalid(ValueError):
    """The sample breaks a rule; `errors` maps field/column name to Indonesian messages.
    `region_id` is the kab/kota taken from the NIK, when it was, so a form shown again keeps it."""

    def __init__(self, errors: dict[str, list[str]], region_id: int | None = None):
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors
        self.region_id = region_id


class Saved(NamedTuple):
    sample: IncomeSample
    created: bool  # False: an update, or this instance_id was already stored (then nothing changed)
    warnings: list[str] = []


def rupiah(value) -> str:
    if value is None:
        return "—"
    return "Rp" + f"{int(value):,}".replace(",", ".")


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


def programs() -> list[IncomeProgram]:
    """The active programmes, in the order a form lists them."""
    return list(db.session.scalars(select(IncomeProgram).where(IncomeProgram.active)
                                   .order_by(IncomeProgram.sort_order, IncomeProgram.name)))


def kabkota_choices(user: User | None) -> list[tuple[int, str]]:
    """The kab/kota a sample may be recorded in: all of them, or those in the user's region."""
    stmt = select(Region).where(Region.level == "kabkota").order_by(Region.code)
    clause = region_clause(Region.id, user) if user is not None else None
    if clause is not None:
        stmt = stmt.where(clause)
    return [(r.id, f"{r.code} {r.name}") for r in db.session.scalars(stmt)]


def sample_errors(values: dict, today: date) -> dict[str, list[str]]:
    """The date, bound and code rules of a sample; empty when it is fine.

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


def _region_errors(values: dict, nik: str | None, monitor: User | None, creating: bool) -> list[str]:
    """Check the kab/kota; a new sample without one takes it from the NIK (sets values['region_id'])."""
    if values.get("region_id") is None:
        if not creating:
            return ["Pilih kabupaten/kota."]
        if nik is None:
            return ["Pilih kabupaten/kota (atau isi NIK yang benar)."]
        code = nik_service.region_code(nik)
        for region_id, label in kabkota_choices(monitor):
            if label.split(" ", 1)[0] == code:
                values["region_id"] = region_id
                return []
        return [f"Kode wilayah NIK ({code}) bukan kabupaten/kota di wilayah Anda; pilih kabupaten/kota."]
    # One row by key (the session's identity map answers repeats): an import checks every row.
    region = db.session.get(Region, values["region_id"])
    clause = region_clause(Region.id, monitor) if monitor is not None else None
    if region is None or region.level != "kabkota" or (
            clause is not None and db.session.scalar(select(Region.id).where(Region.id == region.id, clause)) is None):
        return ["Kabupaten/kota tidak ditemukan di wilayah Anda."]
    return []


def problems(values: dict, *, nik: str | None, creating: bool, unit_id: int | None, monitor: User | None = None,
             confirmed_large: bool = False, reported=frozenset(),
             confirm_how: str = CONFIRM_BY_TICK) -> tuple[dict[str, list[str]], str | None]:
    """(errors, normalised NIK) for a sample about to be written; `values` gets the NIK's kab/kota when the
    caller left region_id None. Fields in `reported` were already refused by the caller and are skipped."""
    errors: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        if messages and name not in reported:
            errors.setdefault(name, []).extend(messages)

    normalised = None
    if creating:
        normalised = nik_service.normalise(nik) if "nik" not in reported else None
        add("nik", [] if normalised else [nik_service.INVALID_NIK])
        if values.get("instance_id") is None:
            add("instance_id", ["Formulir tidak lengkap (instance_id). Muat ulang halaman."])
    if "region_id" not in reported:
        add("region_id", _region_errors(values, normalised, monitor, creating))
    program_id = values.get("program_id")
    if program_id is not None and db.session.get(IncomeProgram, program_id) is None:
        add("program_id", ["Program tidak dikenal."])
    checked = {k: (None if k in reported else v) for k, v in values.items()}
    for name, messages in sample_errors(checked, unit_today(unit_id)).items():
        add(name, messages)
    if creating:
        add("unit_id", [] if unit_id is not None else ["Unit wajib diisi."])
    for name in REQUIRED:
        if checked.get(name) is None and name not in errors:
            add(name, ["Wajib diisi."])
    limit = current_app.config["INCOME_SANITY_MAX"]
    too_large = [v for v in (checked.get("income_before"), checked.get("income_after"))
                 if isinstance(v, int) and v > limit]
    if too_large and not confirmed_large:
        add("confirm_large", [f"Pendapatan {rupiah(max(too_large))} di atas batas wajar {rupiah(limit)} per bulan. "
                              f"Periksa lagi; bila benar, {confirm_how}."])
    return errors, normalised


def eligibility_note(sample: IncomeSample) -> list[str]:
    if sample.eligible:
        return []
    first = earliest_eligible(sample.intervention_date)
    return [f"Monitoring kurang dari 3 bulan setelah intervensi (paling cepat {first:%d-%m-%Y}); "
            "sampel disimpan dan ditandai, tetapi tidak dihitung dalam indikator."]


def save(values: dict, *, nik: str | None = None, existing: IncomeSample | None = None, monitor: User | None = None,
         actor=None, confirmed_large: bool = False, reported=frozenset()) -> Saved:
    """Validate, derive, write and audit one sample; the only way samples are stored.

    New sample (`existing` None): `nik` (as typed; it is validated here) names
    its KPM, and the insert is idempotent on instance_id: created is False when
    that instance_id was already stored, and the stored row is returned
    untouched. Otherwise `existing` is updated in place. `monitor`, when given,
    limits the kab/kota to their region. Raises SampleInvalid, before writing
    anything, when a rule is broken or the caller `reported` a refused field.
    The audit action is "import" for an imported row, else create/update, by
    `actor`. The caller owns the transaction.
    """
    creating = existing is None
    values = dict(values)
    if not creating:
        values = {**{name: getattr(existing, name) for name in REQUIRED}, **values}
    unit_id = values.get("unit_id", existing.unit_id if existing is not None else None)
    errors, normalised = problems(values, nik=nik, creating=creating, unit_id=unit_id, monitor=monitor,
                                  confirmed_large=confirmed_large, reported=reported)
    if errors or reported:
        raise SampleInvalid(errors, values.get("region_id"))
    imported = values.get("source") == "import"
    if not creating:
        before = audit.snapshot(existing)
        for key, value in derived(values).items():
            setattr(existing, key, value)
        db.session.flush()
        audit.record("import" if imported else "update", existing, before=before, actor=actor)
        webhook_events.income_sample(existing, "monitoring.income.corrected")
        return Saved(existing, False, eligibility_note(existing))
    created = insert_or_nothing(IncomeSample, derived({**values, "kpm_id": kpm_id_for(normalised)}), ["instance_id"])
    row = db.session.scalar(select(IncomeSample).where(IncomeSample.instance_id == values["instance_id"]))
    if not created:
        return Saved(row, False)
    audit.record("import" if imported else "create", row, actor=actor)
    webhook_events.income_sample(row, "monitoring.income.created")
    return Saved(row, True, eligibility_note(row))
