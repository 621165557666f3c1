"""What the API writes: each record through its one write path (docs/ARCHITECTURE.md rule 4).

Idempotent by instance_id: the write path ignores a repeated instance_id, and the stored row is
returned either way, so a client that retries after a lost answer gets the same record back.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.api.reads import check_json, income_json, response_json
from app.core.scoping import scoped
from app.extensions import db
from app.models import Layanan, SkmResponse, User, utcnow
from app.monitoring import checks, income_samples
from app.skm import rules, submit


class NotFound(LookupError):
    pass


@dataclass
class Written:
    created: bool
    record: dict


def submit_response(user: User, body: dict) -> Written:
    """Store one SKM response (channel "api") for a layanan in the token user's scope.
    Raises NotFound (layanan outside scope or inactive) or rules.InvalidResponse."""
    layanan = db.session.scalar(scoped(Layanan, user).where(Layanan.id == body["layanan_id"]))
    if layanan is None or not layanan.active:
        raise NotFound
    answers = rules.SkmAnswers(
        instance_id=str(body["instance_id"]), answers=dict(body["answers"]),
        jenis_kelamin=body.get("jenis_kelamin"), usia=body.get("usia"), pendidikan=body.get("pendidikan"),
        pekerjaan=body.get("pekerjaan"), respondent_category_id=body.get("respondent_category_id"),
        service_date=body.get("service_date"), kritik_saran=body.get("kritik_saran"))
    result = submit.record(layanan, answers, channel="api", duration=body.get("duration_seconds"))
    row = db.session.scalar(select(SkmResponse).where(SkmResponse.instance_id == result.instance_id))
    return Written(result.created, response_json(row))


class Refused(ValueError):
    """The write path refused the record: `status` 422 (rules) or 409 (another record holds its place)."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def create_check(user: User, body: dict, *, period_kind: str, gps_limit: float) -> Written:
    """One pendamping check by the token's monitor, through app.monitoring.checks.create_check."""
    data = checks.CheckInput(
        instance_id=body["instance_id"], pendamping_id=body["pendamping_id"], period=body["period"],
        visit_date=body["visit_date"], method=body["method"], checklist_version_id=str(body["checklist_version_id"]),
        answers={k: bool(v) for k, v in body["answers"].items()}, latitude=body.get("latitude"),
        longitude=body.get("longitude"), gps_accuracy_m=body.get("gps_accuracy_m"), notes=body.get("notes"))
    outcome = checks.create_check(data, monitor=user, period_kind=period_kind, gps_limit=gps_limit)
    if outcome.status == "invalid":
        raise Refused(422, "Data pemeriksaan tidak memenuhi aturan; lihat `errors`.", outcome.errors)
    if outcome.status == "conflict":
        existing = {"existing_id": [str(outcome.existing.id)]} if outcome.existing is not None else None
        raise Refused(409, outcome.message or "Pendamping ini sudah diperiksa pada periode itu.", existing)
    return Written(outcome.status == "ok", check_json(outcome.record))


def save_income_sample(user: User, body: dict) -> Written:
    """One KPM income sample by the token's monitor, through app.monitoring.income_samples.save,
    stored with source "api" so a list or an audit can tell a partner app's rows from the form's."""
    names = ("program_id", "region_id", "cohort_year", "intervention_date", "monitoring_date", "household_size",
             "measure", "income_before", "income_after", "business_status", "notes")
    values = {name: body.get(name) for name in names}
    now = utcnow()
    values.update(instance_id=body["instance_id"], unit_id=user.unit_id, monitor_id=user.id, source="api",
                  status="valid", created_at=now, updated_at=now)
    try:
        saved = income_samples.save(values, nik=body["nik"], monitor=user, actor=user,
                                    confirmed_large=bool(body.get("confirm_large")))
    except income_samples.SampleInvalid as err:
        raise Refused(422, "Data sampel tidak memenuhi aturan; lihat `errors`.", err.errors) from None
    return Written(saved.created, income_json(saved.sample))
