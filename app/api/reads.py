"""What the API reads: the same scoped queries as the pages, walked by cursor.

Every list is `app.core.scoping.scoped(model, user)`, so a token sees exactly what its user
sees on the pages. Lists are ordered by id and continue after the last id given in an opaque
cursor: rows inserted during a walk get larger ids, so each row that existed when the walk
began is returned exactly once (an offset would skip or repeat rows).
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from app.core.nik import masked
from app.core.periods import Period, parse_period
from app.core.scoping import scoped, unit_subtree_ids
from app.extensions import db
from app.indicators.compute import compute, realisasi_json
from app.indicators.realisasi import Realisasi
from app.models import IncomeSample, Indicator, Layanan, PendampingCheck, Region, SkmResponse, Unit, User
from app.models.skm import UNSUR_COLUMNS

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


class BadCursor(ValueError):
    pass


@dataclass
class Page:
    items: list[dict]
    next: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("Kursor tidak valid.") from None
    kind, _, value = text.partition(":")
    if kind != "id" or not value.isdigit() or len(value) > 18:
        raise BadCursor("Kursor tidak valid.")
    return int(value)


def _walk(model, stmt: Select, cursor: str | None, limit: int, row_json) -> Page:
    after = decode_cursor(cursor)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(db.session.scalars(stmt.where(model.id > after).order_by(model.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page([row_json(r) for r in rows], encode_cursor(rows[-1].id) if more else None)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def unit_json(u: Unit) -> dict:
    return {"id": u.id, "code": u.code, "name": u.name, "level": u.level, "parent_id": u.parent_id}


def layanan_json(s: Layanan) -> dict:
    return {"id": s.id, "slug": s.slug, "name": s.name, "unit_id": s.unit_id, "region_id": s.region_id,
            "active": bool(s.active)}


def region_json(r: Region) -> dict:
    return {"id": r.id, "code": r.code, "name": r.name, "level": r.level, "parent_id": r.parent_id}


def response_json(r: SkmResponse) -> dict:
    return {
        "id": r.id, "instance_id": str(r.instance_id), "layanan_id": r.layanan_id,
        "submitted_at": _iso(r.submitted_at), "period": r.period, "channel": r.channel,
        "answers": {c: getattr(r, c) for c in UNSUR_COLUMNS},
        "jenis_kelamin": r.jenis_kelamin, "usia": r.usia, "pendidikan": r.pendidikan, "pekerjaan": r.pekerjaan,
        "respondent_category_id": r.respondent_category_id, "service_date": _iso(r.service_date),
        "kritik_saran": r.kritik_saran, "duration_seconds": r.duration_seconds,
        "flags": {"straightline": bool(r.flag_straightline), "too_fast": bool(r.flag_too_fast),
                  "repeat_device": bool(r.flag_repeat_device), "stamp_reused": bool(r.flag_stamp_reused)},
    }


def check_json(c: PendampingCheck) -> dict:
    return {"id": c.id, "instance_id": str(c.instance_id), "pendamping_id": c.pendamping_id, "type_id": c.type_id,
            "unit_id": c.unit_id, "region_id": c.region_id, "monitor_id": c.monitor_id, "period": c.period,
            "visit_date": _iso(c.visit_date), "method": c.method}


def income_json(s: IncomeSample) -> dict:
    """The NIK only masked to its last four digits, as on the pages."""
    return {"id": s.id, "instance_id": str(s.instance_id), "nik": masked(s.kpm.nik_last4), "unit_id": s.unit_id,
            "region_id": s.region_id, "monitor_id": s.monitor_id, "program_id": s.program_id, "period": s.period,
            "monitoring_date": _iso(s.monitoring_date), "household_size": s.household_size,
            "source": s.source}


def units(user: User, cursor: str | None, limit: int) -> Page:
    return _walk(Unit, scoped(Unit, user), cursor, limit, unit_json)


def layanan(user: User, cursor: str | None, limit: int) -> Page:
    return _walk(Layanan, scoped(Layanan, user), cursor, limit, layanan_json)


def regions(user: User, cursor: str | None, limit: int) -> Page:
    """Regions are reference data every signed-in user reads (the pages' region filters)."""
    return _walk(Region, select(Region), cursor, limit, region_json)


def responses(user: User, cursor: str | None, limit: int, *, layanan_id: int | None = None,
              unit_id: int | None = None, period: Period | None = None,
              updated_since: datetime | None = None) -> Page:
    """SKM responses in scope. There is no updated_at column (a response is never edited), so
    `updated_since` filters on submitted_at."""
    stmt = scoped(SkmResponse, user)
    if layanan_id is not None:
        stmt = stmt.where(SkmResponse.layanan_id == layanan_id)
    if unit_id is not None:
        stmt = stmt.where(SkmResponse.layanan_id.in_(
            select(Layanan.id).where(Layanan.unit_id.in_(unit_subtree_ids(unit_id)))))
    if period is not None:
        stmt = stmt.where(SkmResponse.period.between(period.start, period.end))
    if updated_since is not None:
        stmt = stmt.where(SkmResponse.submitted_at >= updated_since)
    return _walk(SkmResponse, stmt, cursor, limit, response_json)


def checks(user: User, cursor: str | None, limit: int) -> Page:
    return _walk(PendampingCheck, scoped(PendampingCheck, user), cursor, limit, check_json)


def income_samples(user: User, cursor: str | None, limit: int) -> Page:
    return _walk(IncomeSample, scoped(IncomeSample, user), cursor, limit, income_json)


def ikm_report(user: User, *, unit_id: int | None, layanan_id: int | None, period: str, exclude_flagged: bool,
               instance_path: str) -> dict:
    """The IKM report as today's ikm.json download (app.reports.downloads), for a scope the user
    may see. Raises ValueError (period), reports.scope.OutOfScope or BadFilter."""
    from app.reports import downloads
    from app.reports.scope import resolve

    chosen_period = parse_period(period)
    chosen = resolve(user, unit_id=unit_id, layanan_id=layanan_id, region_code=None)
    return downloads.download(chosen, chosen_period, "json", exclude_flagged=exclude_flagged,
                              instance_path=instance_path).document


def indicator_json(r: Realisasi) -> dict:
    """One realisasi as `report indicators` prints it (app.indicators.compute.realisasi_json, so the
    figures are the page's), plus ids, and each alternative figure with its own interval beside it."""
    doc = realisasi_json(r)
    alternative_ci = doc.pop("alternatives_ci")
    doc["alternatives"] = [{"label": label, "value": value, "ci": alternative_ci.get(label)}
                           for label, value in doc["alternatives"].items()]
    return {"id": r.indicator.id, "unit_id": r.indicator.unit_id, "polarity": r.indicator.polarity, **doc}


def indicators(user: User, cursor: str | None, limit: int, *, year: int, unit_id: int | None = None) -> Page:
    """The indicator list page's rows (active indicators in scope) for a year, each computed by
    app.indicators.compute.compute as the page does; only the page's rows are computed."""
    stmt = scoped(Indicator, user).where(Indicator.active.is_(True))
    if unit_id is not None:
        stmt = stmt.where(Indicator.unit_id.in_(unit_subtree_ids(unit_id)))
    return _walk(Indicator, stmt, cursor, limit, lambda indicator: indicator_json(compute(indicator, year)))


def indicator(user: User, indicator_id: int, *, year: int, revision: str | None = None) -> dict | None:
    """The detail page's realisasi (any indicator in scope, active or not; a named target revision
    as the page's `revisi`), or None when the indicator is not in the user's scope."""
    found = db.session.scalar(scoped(Indicator, user).where(Indicator.id == indicator_id))
    return None if found is None else indicator_json(compute(found, year, revision=revision))
