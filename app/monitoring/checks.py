"""Pendamping checks: the one write path for recording, correcting and rejecting a check.

The web form, the offline queue's JSON post and the demo seeder all store a
check through `create_check`, and a correction goes through `correct_check`,
so every rule lives here once: the pendamping must be in the monitor's scope,
the period must be of the configured kind, the visit date inside the period and
not after the unit's today (app.monitoring.visit_dates), the checklist the one
in force (app.monitoring.checklists), every criterion answered, latitude and
longitude given together. "Optimal" is judged here from the answers; the
insert is idempotent on the client's instance_id, and a second check of the
same pendamping and period is a conflict. The caller owns the transaction and
passes the acting user explicitly.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.core import audit
from app.core.idempotent import insert_or_nothing
from app.core.periods import Period, current_period, parse_period
from app.core.scoping import scoped
from app.extensions import db
from app.models import ChecklistVersion, Pendamping, PendampingCheck, PendampingType, User, utcnow
from app.monitoring import checklists, observation_dates, visit_dates
from app.webhooks import events as webhook_events

ANSWERS = {"ya": True, "tidak": False}
EDITABLE_FIELDS = ("visit_date", "method", "latitude", "longitude", "gps_accuracy_m")


@dataclass
class CheckInput:
    """A check as the client sent it; a value the caller could not read is None."""

    instance_id: uuid.UUID | None = None
    pendamping_id: int | None = None
    period: str | None = None
    visit_date: date | None = None
    method: str | None = None
    checklist_version_id: str | None = None
    answers: dict[str, str | bool] = field(default_factory=dict)  # criterion code -> "ya"/"tidak" (or a bool)
    latitude: float | None = None
    longitude: float | None = None
    gps_accuracy_m: float | None = None
    notes: str | None = None


@dataclass
class CheckOutcome:
    """status: ok (stored), duplicate (this instance_id was stored before), conflict (another check of the
    pendamping and period exists: `existing`), invalid (`errors`, keyed by form field)."""

    status: str
    record: PendampingCheck | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pendamping: Pendamping | None = None
    version: ChecklistVersion | None = None
    answers: dict[str, bool] = field(default_factory=dict)
    existing: PendampingCheck | None = None
    message: str = ""


def editable(record, user, edit_days: int) -> bool:
    """The owning monitor may correct a valid record for `edit_days` days after recording it."""
    return (user.role == "monitor" and record.monitor_id == user.id and record.status == "valid"
            and record.created_at >= utcnow() - timedelta(days=edit_days))


def active_types() -> list[PendampingType]:
    return list(db.session.scalars(select(PendampingType).where(PendampingType.active)
                                   .order_by(PendampingType.sort_order, PendampingType.name)))


def active_type(code: str) -> PendampingType | None:
    return db.session.scalar(select(PendampingType).where(PendampingType.code == code, PendampingType.active))


def type_by_code(code: str) -> PendampingType | None:
    return db.session.scalar(select(PendampingType).where(PendampingType.code == code))


def pendamping_choices(type_id: int, user: User) -> list[tuple[int, str]]:
    """The active pendamping of this type the user may record, for the form's list."""
    rows = db.session.execute(scoped(Pendamping, user).with_only_columns(Pendamping.id, Pendamping.identifier,
                                                                         Pendamping.name)
                              .where(Pendamping.type_id == type_id, Pendamping.status == "aktif")
                              .order_by(Pendamping.name).limit(5000)).all()
    return [(0, "— pilih pendamping —")] + [(i, f"{name} ({ident})") for i, ident, name in rows]


def default_period(user: User, kind: str) -> Period:
    return current_period(user.unit.timezone if user.unit else None, kind)


def gps_warnings(accuracy: float | None, limit: float) -> tuple[bool, list[str]]:
    if accuracy is not None and accuracy > limit:
        return True, [f"Peringatan: akurasi GPS {accuracy:.0f} m lebih buruk dari batas {limit:.0f} m; "
                      "catatan tetap tersimpan dan ditandai."]
    return False, []


def _answers(version: ChecklistVersion, raw: dict, errors: dict) -> dict[str, bool]:
    answers = {}
    for criterion in version.criteria:
        value = raw.get(criterion.code)
        value = ANSWERS.get(value) if isinstance(value, str) else value
        if not isinstance(value, bool):
            errors[f"k_{criterion.code}"] = ["Pilih ya atau tidak."]
        else:
            answers[criterion.code] = value
    return answers


def _common_errors(data: CheckInput, period: Period | None, unit_id: int, reported, errors: dict) -> None:
    """The visit date (inside the period, not after the unit's today) and the GPS pair."""
    if data.visit_date is None and "visit_date" not in reported:
        errors["visit_date"] = ["Tanggal tidak valid."]
    elif period is not None and "visit_date" not in reported:
        messages = visit_dates.visit_date_errors(data.visit_date, period, observation_dates.unit_today(unit_id))
        if messages:
            errors["visit_date"] = messages
    if (data.latitude is None) != (data.longitude is None) and "longitude" not in reported:
        errors["longitude"] = ["Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."]


def create_check(data: CheckInput, *, monitor: User, period_kind: str, gps_limit: float = float("inf"),
                 actor=None, reported: frozenset[str] | set[str] = frozenset()) -> CheckOutcome:
    """Validate and store one check recorded by `monitor` (whose scope applies); audited as `actor`
    (default: the monitor). `reported`: fields the caller already refused (their checks are skipped, and
    nothing is stored)."""
    errors: dict[str, list[str]] = {}
    pendamping = None
    if data.pendamping_id and "pendamping_id" not in reported:
        pendamping = db.session.scalar(scoped(Pendamping, monitor).where(Pendamping.id == data.pendamping_id))
        if pendamping is None:
            errors["pendamping_id"] = ["Pendamping tidak ditemukan di wilayah Anda."]
    elif "pendamping_id" not in reported:
        errors["pendamping_id"] = ["Pilih pendamping."]
    period = None
    if data.period and "period" not in reported:
        try:
            period = parse_period(data.period)
        except ValueError as err:
            errors["period"] = [str(err)]
        else:
            if period.kind != period_kind:
                errors["period"] = ["Jenis periode tidak sesuai pengaturan monitoring (mis. "
                                    f"{default_period(monitor, period_kind)})."]
                period = None
    elif "period" not in reported:
        errors["period"] = ["Wajib diisi."]
    if data.instance_id is None and "instance_id" not in reported:
        errors["instance_id"] = ["Formulir tidak lengkap (instance_id). Muat ulang halaman."]
    unit_id = pendamping.unit_id if pendamping else monitor.unit_id
    version = None
    if pendamping is not None:
        version, outdated = checklists.resolve(pendamping.type_id, data.checklist_version_id)
        if outdated:
            errors["checklist_version_id"] = [outdated]
            errors["__all__"] = [outdated]
    _common_errors(data, period, unit_id, reported, errors)
    answers = _answers(version, data.answers, errors) if version is not None else {}
    outcome = CheckOutcome("invalid", errors=errors, pendamping=pendamping, version=version, answers=answers)
    if errors or reported or version is None:
        return outcome

    gps_warning, outcome.warnings = gps_warnings(data.gps_accuracy_m, gps_limit)
    now = utcnow()
    values = {
        "instance_id": data.instance_id, "pendamping_id": pendamping.id, "period": period.code,
        "period_start": period.start, "period_end": period.end, "visit_date": data.visit_date,
        "monitor_id": monitor.id, "unit_id": pendamping.unit_id, "region_id": pendamping.region_id,
        "type_id": pendamping.type_id, "method": data.method or "kunjungan", "checklist_version_id": version.id,
        "answers": answers, "optimal": checklists.optimal(version, answers), "latitude": data.latitude,
        "longitude": data.longitude, "gps_accuracy_m": data.gps_accuracy_m, "gps_warning": gps_warning,
        "notes": data.notes or None, "status": "valid", "created_at": now, "updated_at": now,
    }
    inserted = insert_or_nothing(PendampingCheck, values)
    record = db.session.scalar(select(PendampingCheck).where(PendampingCheck.instance_id == data.instance_id))
    if not inserted:
        if record is not None:
            outcome.status, outcome.record, outcome.warnings = "duplicate", record, []
            return outcome
        outcome.status = "conflict"
        outcome.message = (f"Pendamping {pendamping.name} sudah dimonitor untuk periode {period.label}. "
                           "Satu catatan per pendamping per periode; ubah catatan yang sudah ada.")
        outcome.existing = db.session.scalar(scoped(PendampingCheck, monitor).where(
            PendampingCheck.pendamping_id == pendamping.id, PendampingCheck.period == period.code))
        return outcome
    audit.record("create", record, actor=monitor if actor is None else actor)
    webhook_events.pendamping_check(record, "monitoring.check.created")
    outcome.status, outcome.record = "ok", record
    verdict = "optimal sesuai standar" if record.optimal else "belum optimal"
    outcome.message = f"Monitoring {pendamping.name} tersimpan: {verdict}."
    return outcome


def correct_check(record: PendampingCheck, data: CheckInput, *, actor, gps_limit: float = float("inf"),
                  reported: frozenset[str] | set[str] = frozenset()) -> CheckOutcome:
    """Apply a correction (visit date, method, GPS, notes, answers) under the same rules; the pendamping,
    period and checklist version stay those of the record."""
    errors: dict[str, list[str]] = {}
    version = record.checklist_version
    _common_errors(data, parse_period(record.period), record.unit_id, reported, errors)
    answers = _answers(version, data.answers, errors)
    outcome = CheckOutcome("invalid", errors=errors, pendamping=record.pendamping, version=version,
                           answers=answers, record=record)
    if errors or reported:
        return outcome
    before = audit.snapshot(record)
    record.gps_warning, outcome.warnings = gps_warnings(data.gps_accuracy_m, gps_limit)
    for name in EDITABLE_FIELDS:
        setattr(record, name, getattr(data, name))
    record.notes = data.notes or None
    record.answers = answers
    record.optimal = checklists.optimal(version, answers)
    db.session.flush()
    audit.record("update", record, before=before, actor=actor)
    webhook_events.pendamping_check(record, "monitoring.check.corrected")
    outcome.status, outcome.message = "ok", "Koreksi tersimpan."
    return outcome


def reject(record, reason: str, *, actor: User) -> bool:
    """Mark a valid check or income sample rejected (kept, but no longer counted); False when it already is."""
    if record.status != "valid":
        return False
    before = audit.snapshot(record)
    record.status = "rejected"
    record.rejected_reason = reason.strip()
    record.rejected_by_id = actor.id
    record.rejected_at = utcnow()
    db.session.flush()
    audit.record("reject", record, before=before, actor=actor)
    if isinstance(record, PendampingCheck):
        webhook_events.pendamping_check(record, "monitoring.check.rejected")
    else:
        webhook_events.income_sample(record, "monitoring.income.rejected")
    return True
