"""Storing one SKM response: data-quality flags and an idempotent insert.

The insert is `INSERT ... ON CONFLICT (instance_id) DO NOTHING`, so a response
retried by an offline queue, or two copies racing each other, is stored once on
SQLite and PostgreSQL alike. Suspicious responses are flagged, never dropped.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Layanan, SkmResponse, utcnow
from app.models.skm import FORM_VERSION, UNSUR_COLUMNS
from app.services.periods import period_of

TOO_FAST_SECONDS = 20
DEVICE_COOKIE = "pantau_perangkat"
_START_SALT = "skm-form-start"


@dataclass(frozen=True)
class SubmitResult:
    created: bool  # False: this instance_id was already stored
    instance_id: uuid.UUID


# ---- render-time stamp (for the "too fast" flag) -------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_START_SALT)


def start_token(layanan_id: int, now: float | None = None) -> str:
    """Signed render time plus a random nonce, so every rendered page has its own stamp
    (reuse is then detectable, see stamp_reused). No expiry: a queued answer may arrive hours later."""
    return _serializer().dumps([layanan_id, int(now if now is not None else time.time()), secrets.token_hex(8)])


def duration_from(token: str | None, layanan_id: int, now: float | None = None) -> int | None:
    """Seconds between render and submit, or None when the stamp is missing, forged or for another layanan.

    Stamps without a nonce ([layanan, time], pages opened before it existed) are still read.
    """
    try:
        stamped_layanan, started, *_nonce = _serializer().loads(token or "")
    except (BadSignature, ValueError, TypeError):
        return None
    if stamped_layanan != layanan_id or not isinstance(started, int) or isinstance(started, bool):
        return None
    return max(0, int((now if now is not None else time.time()) - started))


def stamp_hash(token: str) -> str:
    """Keyed hash of a verified render stamp: equal stamps give equal hashes, the stamp itself is not stored."""
    return _keyed_hash(b"stamp:", token)


def stamp_reused(stamp: str, dev_hash: str | None, instance_id: uuid.UUID) -> bool:
    """True when another response already used this render stamp from another device or from none.

    One page renders one stamp. Replaying an old stamp (a script that skips the
    form, sends no device cookie and varies the answers) is ballot stuffing. A
    device that reuses its own stamp is the offline queue finishing several forms
    from one opened page; that is the repeat-device flag's business instead.
    Same-stamp submissions are serialised on PostgreSQL so two racing replays
    cannot both look first.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(int(stamp[:15], 16))))
    others = [SkmResponse.stamp_hash == stamp, SkmResponse.instance_id != instance_id]
    if dev_hash is not None:
        others.append(or_(SkmResponse.device_hash.is_(None), SkmResponse.device_hash != dev_hash))
    return db.session.scalar(select(SkmResponse.id).where(*others).limit(1)) is not None


# ---- device cookie ---------------------------------------------------------------

def new_device_token() -> str:
    return secrets.token_urlsafe(18)


def _keyed_hash(purpose: bytes, token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, purpose + token.encode(), hashlib.sha256).hexdigest()


def device_hash(token: str | None) -> str | None:
    """Only a keyed hash of the device cookie is stored, never the cookie itself."""
    if not token or len(token) > 100:
        return None
    return _keyed_hash(b"device:", token)


def _local_day_bounds(moment: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """The unit's local calendar day containing `moment`, as naive-UTC bounds."""
    zone = ZoneInfo(tz_name)
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (start.astimezone(UTC).replace(tzinfo=None),
            (start + timedelta(days=1)).astimezone(UTC).replace(tzinfo=None))


def _seen_today(layanan: Layanan, dev_hash: str, moment: datetime, period: str) -> bool:
    day_start, day_end = _local_day_bounds(moment, layanan.unit.timezone)
    stmt = select(func.count()).select_from(SkmResponse).where(
        SkmResponse.layanan_id == layanan.id,
        SkmResponse.period == period,  # lets the (layanan_id, period) index narrow the scan
        SkmResponse.device_hash == dev_hash,
        SkmResponse.submitted_at >= day_start,
        SkmResponse.submitted_at < day_end,
    )
    return bool(db.session.scalar(stmt))


def is_straightline(answers: dict[str, int | None]) -> bool:
    values = [answers.get(col) for col in UNSUR_COLUMNS]
    return None not in values and len(set(values)) == 1


# ---- insert ----------------------------------------------------------------------

def insert_ignoring_duplicate(values: dict) -> bool:
    """Insert one row; False when its instance_id is already stored (race-safe)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(SkmResponse).values(**values)
        .on_conflict_do_nothing(index_elements=["instance_id"])
        .returning(SkmResponse.id)  # a row back means it was inserted; rowcount is unreliable across drivers
    )
    return db.session.execute(stmt).first() is not None


def row_values(layanan: Layanan, *, instance_id: uuid.UUID, answers: dict, submitted_at: datetime,
               channel: str, profile: dict, duration: int | None = None, dev_hash: str | None = None,
               flag_too_fast: bool = False, flag_repeat_device: bool = False,
               stamp: str | None = None, flag_stamp_reused: bool = False) -> dict:
    """Column values for one response, with the period taken in the unit's time zone."""
    return {
        "instance_id": instance_id,
        "layanan_id": layanan.id,
        "submitted_at": submitted_at,
        "period": period_of(submitted_at, layanan.unit.timezone),
        "form_version": FORM_VERSION,
        "channel": channel,
        **{col: answers.get(col) for col in UNSUR_COLUMNS},
        "jenis_kelamin": profile.get("jenis_kelamin"),
        "usia": profile.get("usia"),
        "pendidikan": profile.get("pendidikan"),
        "pekerjaan": profile.get("pekerjaan"),
        "respondent_category_id": profile.get("respondent_category_id"),
        "service_date": profile.get("service_date"),
        "kritik_saran": profile.get("kritik_saran") or None,
        "duration_seconds": duration,
        "device_hash": dev_hash,
        "flag_straightline": is_straightline(answers),
        "flag_too_fast": flag_too_fast,
        "flag_repeat_device": flag_repeat_device,
        "stamp_hash": stamp,
        "flag_stamp_reused": flag_stamp_reused,
    }


def submit_web(layanan: Layanan, form, device_token: str | None, channel: str = "web") -> SubmitResult:
    """Store a validated SurveyForm. A missing or forged render stamp counts as too fast:
    the response could not have come from a form we served, so an analyst should look."""
    instance_id = uuid.UUID(form.instance_id.data)
    now = utcnow()
    duration = duration_from(form.started.data, layanan.id)
    dev_hash = device_hash(device_token)
    stamp = stamp_hash(form.started.data) if duration is not None else None  # only verified stamps
    period = period_of(now, layanan.unit.timezone)
    values = row_values(
        layanan,
        instance_id=instance_id,
        answers=form.answers,
        submitted_at=now,
        channel=channel,
        profile={
            "jenis_kelamin": form.jenis_kelamin.data,
            "usia": form.usia.data,
            "pendidikan": form.pendidikan.data,
            "pekerjaan": form.pekerjaan.data,
            "respondent_category_id": form.category_id,
            "service_date": form.service_date.data,
            "kritik_saran": form.kritik_saran.data,
        },
        duration=duration,
        dev_hash=dev_hash,
        flag_too_fast=duration is None or duration < TOO_FAST_SECONDS,
        flag_repeat_device=dev_hash is not None and _seen_today(layanan, dev_hash, now, period),
        stamp=stamp,
        flag_stamp_reused=stamp is not None and stamp_reused(stamp, dev_hash, instance_id),
    )
    created = insert_ignoring_duplicate(values)
    db.session.commit()
    return SubmitResult(created=created, instance_id=instance_id)
