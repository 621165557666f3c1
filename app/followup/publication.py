"""The publication log: where and when a unit published a period's SKM results, with optional evidence.

PEKPPP scores the number of media. The unit's public results page
(/hasil/<unit>) counts as one medium on its own, dated by its first
publication: the first time the page was served showing responses of that
period on a published layanan. The page computes the current year from the
monthly summary, so serving it is what publishes; `record_results_shown` stores
that moment per period code (the year and each semester, quarter and month it
had results for), and the first serve stays. A page nobody ever opened has
published nothing provable, so it does not count. Services take plain values
and the acting user; the route owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.idempotent import insert_or_nothing
from app.core.local_time import date_id, to_local
from app.core.periods import Period
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup import evidence_files
from app.followup.rtl import FollowupError, NotPermitted, in_scope
from app.models import Layanan, PublicationRecord, PublicResultsShown, SkmSummary, Unit, User
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
    """The unit's /hasil page lists layanan when any layanan of its subtree is published."""
    return db.session.scalar(select(Layanan.id).where(Layanan.unit_id.in_(unit_subtree_ids(unit_id)),
                                                      Layanan.published).limit(1)) is not None


def _codes_of(month: str) -> set[str]:
    """The period codes a month belongs to: its year, semester, quarter and itself."""
    year, number = int(month[:4]), int(month[5:])
    return {str(year), f"{year}-S{(number - 1) // 6 + 1}", f"{year}-Q{(number - 1) // 3 + 1}", month}


# Per process: for each (unit, published layanan, year) page, what it showed when all its stamps
# were last known committed. Responses are never edited or deleted, so an unchanged count per
# layanan means unchanged months with results, and nothing new to stamp: a repeat view sends no
# query. Another process keeps its own memory; its first view re-checks, and a stamp already
# there is left alone (insert_or_nothing), so a duplicate attempt stays harmless.
_shown_memory: dict[tuple, tuple] = {}
_MEMORY_LIMIT = 10_000  # (unit, layanan, year) pages; past it the memory starts again
_PENDING = "public_results_shown_pending"


def record_results_shown(unit_id: int, published_layanan_ids: list[int], year: Period, now: datetime, *,
                         shown: tuple | None = None) -> list[str]:
    """Note that the unit's public page is being served now with `year`'s results of these published layanan.

    Stamps every period code of the year that has responses and no stamp yet
    (race-safe: a concurrent first serve keeps one row). Returns the codes stamped now.
    `shown` (hashable: the (layanan id, respondents) the page shows) lets a repeat
    view skip the queries once this process has seen the stamps committed for it.
    """
    if not published_layanan_ids:
        return []
    key = (unit_id, tuple(sorted(published_layanan_ids)), year.code)
    if shown is not None and _shown_memory.get(key) == shown:
        return []
    months = db.session.scalars(
        select(SkmSummary.period)
        .where(SkmSummary.layanan_id.in_(published_layanan_ids), SkmSummary.period.between(year.start, year.end))
        .group_by(SkmSummary.period).having(func.sum(SkmSummary.n) > 0))
    codes = set().union(*(_codes_of(m) for m in months))
    if not codes:
        return []
    known = set(db.session.scalars(select(PublicResultsShown.period).where(
        PublicResultsShown.unit_id == unit_id, PublicResultsShown.period.in_(codes))))
    stamped = [code for code in sorted(codes - known) if insert_or_nothing(
        PublicResultsShown, {"unit_id": unit_id, "period": code, "first_shown_at": now}, ["unit_id", "period"])]
    if shown is not None:  # remembered once the transaction commits (_remember_committed)
        db.session.info.setdefault(_PENDING, {})[key] = shown
    return stamped


def _remember_committed(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        if len(_shown_memory) + len(pending) > _MEMORY_LIMIT:
            _shown_memory.clear()
        _shown_memory.update(pending)


def _forget_rolled_back(session, _previous) -> None:
    session.info.pop(_PENDING, None)


def forget_shown() -> None:
    """Empty this process's memory of stamped pages (the tests empty the tables between tests)."""
    _shown_memory.clear()


def watch_commits() -> None:
    """Remember stamps only after their transaction commits. Called by followup's init_app;
    a second create_app does not add the listeners twice."""
    for name, listener in (("after_commit", _remember_committed), ("after_soft_rollback", _forget_rolled_back)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@dataclass(frozen=True)
class PublicPageMedium:
    """The public results page as a medium of one period: its address and the date it first showed results."""

    path: str
    first_shown_at: datetime  # naive UTC
    first_shown_on: date  # in the unit's time zone

    @property
    def first_shown_text(self) -> str:
        """"20 Maret 2025"."""
        return date_id(self.first_shown_on)


def public_page_medium(unit_id: int, period_code: str, tz_name: str) -> PublicPageMedium | None:
    """The page as a medium of this period, or None when it never showed this period's results."""
    row = db.session.execute(
        select(PublicResultsShown.first_shown_at, Unit.code).join(Unit, Unit.id == PublicResultsShown.unit_id)
        .where(PublicResultsShown.unit_id == unit_id, PublicResultsShown.period == period_code)).first()
    if row is None:
        return None
    return PublicPageMedium(f"/hasil/{row.code}", row.first_shown_at, to_local(row.first_shown_at, tz_name).date())


def media_count(unit_id: int, period_code: str) -> int:
    """Distinct media the period's results were published in, the public results page included once it showed them."""
    media = set(db.session.scalars(select(PublicationRecord.medium).where(
        PublicationRecord.unit_id == unit_id, PublicationRecord.period == period_code)))
    shown = db.session.scalar(select(PublicResultsShown.id).where(
        PublicResultsShown.unit_id == unit_id, PublicResultsShown.period == period_code))
    return len(media) + (1 if shown is not None else 0)
