"""Storing one SKM response (`record`, the one write path): the rules of app.skm.rules,
data-quality flags and an idempotent insert.

The insert is `INSERT ... ON CONFLICT (instance_id) DO NOTHING`, so a response
retried by an offline queue, or two copies racing each other, is stored once on
SQLite and PostgreSQL alike. Suspicious responses are flagged, never dropped.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Boolean, bindparam, cast, exists, false, func, null, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite

from app.core import transaction
from app.core.idempotent import insert_or_nothing
from app.core.periods import period_of
from app.extensions import db
from app.models import Layanan, SkmResponse, utcnow
from app.models.skm import FORM_VERSION, UNSUR_COLUMNS
from app.skm import lookup, rules
from app.webhooks import events as webhook_events

TOO_FAST_SECONDS = 20
DEVICE_COOKIE = "pantau_perangkat"
_START_SALT = "skm-form-start"


@dataclass(frozen=True)
class SubmitResult:
    created: bool  # False: this instance_id was already stored
    instance_id: uuid.UUID


# ---- render-time stamp (for the "too fast" flag) -------------------------------

def _serializer() -> URLSafeSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=4)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    """One serializer per secret key: building it (signer, JSON dumper checks) was about 2 % of the
    survey POST's CPU (issue 14). Keyed by the secret so a rotated key is never served a stale one."""
    return URLSafeSerializer(secret_key, salt=_START_SALT)


def start_token(layanan_id: int, now: float | None = None) -> str:
    """Signed render time plus a random nonce, so every rendered page has its own stamp
    (reuse is then detectable, see _history_checks). No expiry: a queued answer may arrive hours later."""
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


HISTORY_FLAGS = ("flag_repeat_device", "flag_stamp_reused")


@functools.cache
def _history_checks(with_device: bool, with_stamp: bool, dialect: str):
    """The two history checks as SQL expressions over the insert's own parameters (v_<column>: each value
    is sent and converted once) plus the local day's bounds:

    - seen: this device already answered for this layanan on the unit's local day
      (served by ix_skm_response_device_day: device_hash, layanan_id, submitted_at);
    - reused: another response already used this render stamp from another device
      or from none (served by ix_skm_response_stamp_hash). One page renders one
      stamp; replaying an old stamp (a script that skips the form, sends no device
      cookie and varies the answers) is ballot stuffing. A device that reuses its
      own stamp is the offline queue finishing several forms from one opened page;
      that is the repeat-device flag's business instead.

    Same-stamp submissions must not both look first. On PostgreSQL the reuse check is
    skm_stamp_reused() (migration 0027, the same rule): it takes an advisory lock on the
    stamp, then looks with a fresh snapshot, inside the insert; a separate lock statement
    cost a round trip per POST (issue 14). On SQLite the writer holds the database's
    write lock, so the inline EXISTS already sees every committed row.
    """
    c = SkmResponse.__table__.c
    seen = exists().where(
        c.device_hash == bindparam("v_device_hash"), c.layanan_id == bindparam("v_layanan_id"),
        c.submitted_at >= bindparam("day_start"), c.submitted_at < bindparam("day_end"),
    ) if with_device else false()
    if with_stamp and dialect == "postgresql":
        own_device = bindparam("v_device_hash") if with_device else null()
        reused = func.skm_stamp_reused(bindparam("v_stamp_hash", type_=c.stamp_hash.type),
                                       bindparam("v_instance_id", type_=c.instance_id.type),
                                       cast(own_device, c.device_hash.type), type_=Boolean)
    elif with_stamp:
        others = [c.stamp_hash == bindparam("v_stamp_hash"), c.instance_id != bindparam("v_instance_id")]
        if with_device:
            others.append(or_(c.device_hash.is_(None), c.device_hash != bindparam("v_device_hash")))
        reused = exists().where(*others)
    else:
        reused = false()
    return seen, reused


@functools.cache
def _checked_insert(dialect: str, columns: tuple[str, ...], with_device: bool, with_stamp: bool,
                    returning: bool = True):
    """INSERT ... SELECT <values>, <history checks> ON CONFLICT (instance_id) DO NOTHING RETURNING the flags:
    the checks and the insert in one statement, one round trip (issue 14: they were two).
    Built once per shape; every value is a bound parameter `v_<column>`, which the checks reuse.
    Without RETURNING for transaction.execute_alone (see there)."""
    table = SkmResponse.__table__
    seen, reused = _history_checks(with_device, with_stamp, dialect)
    source = select(*(bindparam(f"v_{name}", type_=table.c[name].type) for name in columns),
                    seen, reused).where(true())  # WHERE: SQLite reads "SELECT ... ON CONFLICT" as a join otherwise
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(table).from_select([*columns, *HISTORY_FLAGS], source)
                 .on_conflict_do_nothing(index_elements=["instance_id"]))
    return statement.returning(*(table.c[name] for name in HISTORY_FLAGS)) if returning else statement


def _insert_statement(values: dict, tz_name: str, moment: datetime, dialect: str, returning: bool = True):
    """The checked insert of `values` (all but the history flags) and its parameters."""
    columns = tuple(name for name in values if name not in HISTORY_FLAGS)
    params = {f"v_{name}": values[name] for name in columns}
    if values["device_hash"] is not None:
        day_start, day_end = _local_day_bounds(moment, tz_name)
        params.update(day_start=day_start, day_end=day_end)
    statement = _checked_insert(dialect, columns, values["device_hash"] is not None,
                                values["stamp_hash"] is not None, returning)
    return statement, params


def _insert_checked(values: dict, tz_name: str, moment: datetime) -> tuple[bool, bool] | None:
    """Insert `values` (without the history flags), flagging it from the history in the same statement.
    Returns (repeat device today, stamp reused), or None when the instance_id is already stored."""
    db.session.flush()  # what session.execute would autoflush first (rows an import or the demo added)
    connection = db.session.connection()  # Core execution in the session's transaction: no ORM layer per call
    row = connection.execute(*_insert_statement(values, tz_name, moment, connection.dialect.name)).first()
    return None if row is None else (bool(row[0]), bool(row[1]))


def _insert_alone(values: dict, tz_name: str, moment: datetime) -> bool | None:
    """The same insert as the unit of work's only statement (transaction.execute_alone): True stored,
    False already stored; None when it cannot run alone (not SQLite, or this unit of work has
    written), and nothing was executed. The flags are set by the statement but not read back."""
    if db.session.get_bind().dialect.name != "sqlite":
        return None  # execute_alone would decline: spare building the parameters twice
    result = transaction.execute_alone(*_insert_statement(values, tz_name, moment, "sqlite", returning=False))
    return None if result is None else result.rowcount == 1


def is_straightline(answers: dict[str, int | None]) -> bool:
    values = [answers.get(col) for col in UNSUR_COLUMNS]
    return None not in values and len(set(values)) == 1


# ---- insert ----------------------------------------------------------------------

def insert_ignoring_duplicate(values: dict) -> bool:
    """Insert one row; False when its instance_id is already stored (race-safe)."""
    return insert_or_nothing(SkmResponse, values, ("instance_id",))


def zone_of(layanan) -> str:
    """The unit's time zone of a Layanan row or of a cached lookup.LayananRef."""
    return getattr(layanan, "timezone", None) or layanan.unit.timezone


def row_values(layanan: Layanan, *, instance_id: uuid.UUID, answers: dict, submitted_at: datetime,
               channel: str, profile: dict, duration: int | None = None, dev_hash: str | None = None,
               flag_too_fast: bool = False, flag_repeat_device: bool = False,
               stamp: str | None = None, flag_stamp_reused: bool = False) -> dict:
    """Column values for one response, with the period taken in the unit's time zone."""
    return {
        "instance_id": instance_id,
        "layanan_id": layanan.id,
        "submitted_at": submitted_at,
        "period": period_of(submitted_at, zone_of(layanan)),
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


def record(layanan, response: rules.SkmAnswers, *, channel: str, category_ids: Collection[int] | None = None,
           submitted_at: datetime | None = None, started: str | None = None, duration: int | None = None,
           device_token: str | None = None, alone: bool = False) -> SubmitResult:
    """Check and store one response: the one write path of the web form, the offline queue, the CSV
    import and the demo seeder (issue 10, rule 4). Raises rules.InvalidResponse; adds, never commits.

    `layanan` is a Layanan or a lookup.LayananRef (the POST route's cached value). `category_ids`
    defaults to the active categories (cached). Timing is judged for answers filled on a screen: a
    missing or forged render stamp (`started`) counts as too fast, since the response could not have
    come from a form we served; the demo seeder passes a `duration` instead. Paper answers (import)
    carry no timing. The same instance_id again for this layanan is a duplicate (created False);
    for another layanan's response it is refused.

    `alone`: the caller's unit of work is this response and nothing else (the survey POST). On
    SQLite the insert then commits itself, one atomic statement with its triggers, unless
    this unit of work has already written or a webhook listens (transaction.execute_alone,
    issue 14). Everywhere else the insert joins the caller's transaction as always.
    """
    now = utcnow()
    submitted_at = submitted_at or now
    if category_ids is None:
        category_ids = lookup.active_category_ids()
    errors = rules.problems(response, channel=channel, category_ids=category_ids, submitted_at=submitted_at)
    if errors:
        raise rules.InvalidResponse(errors)
    instance_id = rules.parsed_instance_id(response.instance_id)
    timed = channel not in rules.PARTIAL_CHANNELS
    stamp = None
    if timed and duration is None:
        duration = duration_from(started, layanan.id)
        stamp = stamp_hash(started) if duration is not None else None  # only verified stamps
    dev_hash = device_hash(device_token)
    values = row_values(
        layanan, instance_id=instance_id, answers=response.answers, submitted_at=submitted_at, channel=channel,
        profile=response.profile(), duration=duration, dev_hash=dev_hash,
        flag_too_fast=timed and (duration is None or duration < TOO_FAST_SECONDS), stamp=stamp,
    )
    # Alone only when nobody listens for the webhook: its outbox row must join the response's transaction.
    stored = _insert_alone(values, zone_of(layanan), submitted_at) \
        if alone and not webhook_events.skm_response_wanted() else None
    if stored is None:
        flags = _insert_checked(values, zone_of(layanan), submitted_at)
        stored = flags is not None
        if stored:
            values.update(zip(HISTORY_FLAGS, flags, strict=True))
            webhook_events.skm_response(values, unit_id=getattr(layanan, "unit_id", None),
                                        layanan_slug=layanan.slug, unit_of=lambda: _unit_of(layanan.id))
    if not stored:  # this instance_id is already stored
        if _owner(instance_id) != layanan.id:
            raise rules.InvalidResponse({"instance_id": [rules.FOREIGN_INSTANCE_ID]})
        return SubmitResult(created=False, instance_id=instance_id)
    return SubmitResult(created=True, instance_id=instance_id)


def _unit_of(layanan_id: int) -> int:
    return db.session.scalar(select(Layanan.unit_id).where(Layanan.id == layanan_id))


def _owner(instance_id: uuid.UUID) -> int | None:
    """The layanan of the response stored under this instance_id (only asked after a conflict)."""
    return db.session.scalar(select(SkmResponse.layanan_id).where(SkmResponse.instance_id == instance_id))
