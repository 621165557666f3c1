"""What the API writes: each record through its one write path (docs/ARCHITECTURE.md rule 4).

Idempotent by instance_id: the write path ignores a repeated instance_id, and the stored row is
returned either way, so a client that retries after a lost answer gets the same record back.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.api.reads import response_json
from app.core.scoping import scoped
from app.extensions import db
from app.models import Layanan, SkmResponse, User
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
