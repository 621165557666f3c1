"""The publication log: where and when a unit published a period's SKM results, with optional evidence.

PEKPPP scores the number of media. The unit's public results page
(/hasil/<unit>) counts as one medium on its own whenever the unit has a
published layanan. Services take plain values and the acting user; the route
owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from app.core import audit
from app.core.periods import Period
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup import evidence_files
from app.followup.rtl import FollowupError, NotPermitted, in_scope
from app.models import Layanan, PublicationRecord, User
from app.models.followup import PUBLICATION_MEDIA


@dataclass
class RecordInput:
    medium: str
    published_on: date
    description: str | None = None
    url: str | None = None
    evidence: bytes | None = None


def _validate(data: RecordInput) -> None:
    if data.medium not in PUBLICATION_MEDIA:
        raise FollowupError("Media publikasi tidak dikenal.")
    if data.medium == "lainnya" and not (data.description or "").strip():
        raise FollowupError("Jelaskan media lain yang dipakai.")
    if data.url:
        parts = urlsplit(data.url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FollowupError("Alamat web harus diawali http:// atau https://.")
    elif data.medium in ("website", "media_sosial"):
        raise FollowupError("Alamat web wajib diisi untuk situs web dan media sosial.")
    if not date(2000, 1, 1) <= data.published_on <= date.today() + timedelta(days=1):
        raise FollowupError("Tanggal publikasi tidak boleh di masa depan atau sebelum tahun 2000.")


def add_record(actor: User, unit_id: int, period: Period, data: RecordInput,
               instance_path: str | None = None) -> PublicationRecord:
    if not in_scope(actor, unit_id):
        raise NotPermitted()
    _validate(data)
    record = PublicationRecord(unit_id=unit_id, period=period.code, medium=data.medium,
                               description=(data.description or "").strip() or None,
                               url=(data.url or "").strip() or None, published_on=data.published_on)
    if data.evidence:
        try:
            record.evidence_file = evidence_files.keep_if_committed(data.evidence, instance_path)
        except evidence_files.EvidenceError as err:
            raise FollowupError(str(err)) from None
    db.session.add(record)
    db.session.flush()
    audit.record("publication.create", record, actor=actor)
    return record


def delete_record(actor: User, record: PublicationRecord, instance_path: str | None = None) -> None:
    if not in_scope(actor, record.unit_id):
        raise NotPermitted()
    audit.record("publication.delete", record, before=audit.snapshot(record), actor=actor)
    db.session.delete(record)
    db.session.flush()
    if instance_path is not None:
        evidence_files.remove_when_committed(record.evidence_file, instance_path)


def records_stmt(unit_id: int, period_code: str):
    return (select(PublicationRecord)
            .where(PublicationRecord.unit_id == unit_id, PublicationRecord.period == period_code)
            .order_by(PublicationRecord.published_on.desc(), PublicationRecord.id.desc()))


def has_public_page(unit_id: int) -> bool:
    """The unit's /hasil page shows results when any layanan of its subtree is published."""
    return db.session.scalar(select(Layanan.id).where(Layanan.unit_id.in_(unit_subtree_ids(unit_id)),
                                                      Layanan.published).limit(1)) is not None


def media_count(unit_id: int, period_code: str) -> int:
    """Distinct media the period's results were published in, the public results page included."""
    media = set(db.session.scalars(select(PublicationRecord.medium).where(
        PublicationRecord.unit_id == unit_id, PublicationRecord.period == period_code)))
    return len(media) + (1 if has_public_page(unit_id) else 0)
