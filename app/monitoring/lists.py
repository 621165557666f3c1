"""What the monitoring list and detail pages show, read within the viewer's scope.

The routes parse the query string into the filters below and pass the viewer
explicitly; every statement goes through app.core.scoping, so another monitor's
record is simply not there. A page fetches one row more than it shows to know
whether a next page exists (no COUNT over the whole scope).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, select

from app.core.paging import contains
from app.core.periods import Period
from app.core.scoping import region_subtree_ids, scoped
from app.extensions import db
from app.models import IncomeProgram, IncomeSample, Kpm, Pendamping, PendampingCheck, PendampingType, Region, User
from app.monitoring import income_bands, stats
from app.monitoring.eligibility import earliest_eligible


@dataclass
class Filters:
    """The list filters of the query string, already parsed ("" or None: not filtered)."""

    period: Period | None = None
    code: str = ""  # pendamping type (checks) or programme (samples)
    region_id: int | None = None
    outcome: str = ""
    status: str = ""
    gps_only: bool = False
    search: str = ""
    last4: str = ""
    eligibility: str = ""
    day: date | None = None


@dataclass
class Listing:
    rows: list
    has_next: bool
    summary: object
    choices: list  # pendamping types or programmes, for the filter
    regions: list[tuple[int, str]]


def _page(stmt: Select, page: int, per_page: int) -> tuple[list, bool]:
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)))
    return rows[:per_page], len(rows) > per_page


def region_filter_choices() -> list[tuple[int, str]]:
    stmt = select(Region).where(Region.level.in_(("provinsi", "kabkota"))).order_by(Region.code)
    return [(r.id, f"{r.code} {r.name}") for r in db.session.scalars(stmt)]


def check_list(f: Filters, viewer: User, page: int, per_page: int) -> Listing:
    C = PendampingCheck
    stmt = scoped(C, viewer).join(C.pendamping).order_by(C.visit_date.desc(), C.id.desc())
    if f.period:
        stmt = stmt.where(C.period_start >= f.period.start, C.period_end <= f.period.end)
    if f.code:
        stmt = stmt.where(C.type_id == select(PendampingType.id).where(PendampingType.code == f.code)
                          .scalar_subquery())
    if f.region_id:
        stmt = stmt.where(C.region_id.in_(region_subtree_ids(f.region_id)))
    if f.outcome in ("optimal", "belum"):
        stmt = stmt.where(C.optimal.is_(f.outcome == "optimal"))
    if f.status in ("valid", "rejected"):
        stmt = stmt.where(C.status == f.status)
    if f.gps_only:
        stmt = stmt.where(C.gps_warning.is_(True))
    if f.search:
        stmt = stmt.where(contains(f.search, Pendamping.name, Pendamping.identifier))
    if f.day:
        stmt = stmt.where(C.visit_date == f.day)
    rows, has_next = _page(stmt, page, per_page)
    summary = None
    if viewer.role != "monitor":
        summary = stats.pendamping_outcomes(viewer.unit_id, f.code or None, f.region_id, f.period)
    types = list(db.session.scalars(select(PendampingType).order_by(PendampingType.sort_order)))
    return Listing(rows, has_next, summary, types, region_filter_choices())


def income_list(f: Filters, viewer: User, page: int, per_page: int) -> Listing:
    S = IncomeSample
    stmt = scoped(S, viewer).order_by(S.monitoring_date.desc(), S.id.desc())
    if f.period:
        stmt = stmt.where(S.period.between(f.period.start, f.period.end))
    if f.code:
        stmt = stmt.where(S.program_id == select(IncomeProgram.id).where(IncomeProgram.code == f.code)
                          .scalar_subquery())
    if f.region_id:
        stmt = stmt.where(S.region_id.in_(region_subtree_ids(f.region_id)))
    if f.outcome in ("naik", "tidak"):
        stmt = stmt.where(S.increased.is_(f.outcome == "naik"))
    if f.eligibility in ("layak", "belum"):
        stmt = stmt.where(S.eligible.is_(f.eligibility == "layak"))
    if f.status in ("valid", "rejected"):
        stmt = stmt.where(S.status == f.status)
    if f.last4:  # only the last four digits are ever stored; anything else matches nothing
        stmt = stmt.where(S.kpm_id.in_(select(Kpm.id).where(Kpm.nik_last4 == f.last4[-4:])))
    if f.day:
        stmt = stmt.where(S.monitoring_date == f.day)
    rows, has_next = _page(stmt, page, per_page)
    summary = None
    if viewer.role != "monitor":
        summary = stats.income_outcomes(viewer.unit_id, f.code or None, None, f.period, region_id=f.region_id)
    programs = list(db.session.scalars(select(IncomeProgram).order_by(IncomeProgram.sort_order)))
    return Listing(rows, has_next, summary, programs, region_filter_choices())


@dataclass
class IncomeDetail:
    rounds: list[IncomeSample]
    band: income_bands.Band
    graduation: bool | None
    earliest: date


def income_detail(record: IncomeSample, viewer: User) -> IncomeDetail:
    """The panel: this KPM's other rounds in the same programme, as far as the viewer may see them."""
    rounds = list(db.session.scalars(scoped(IncomeSample, viewer).where(
        and_(IncomeSample.kpm_id == record.kpm_id, IncomeSample.program_id == record.program_id))
        .order_by(IncomeSample.monitoring_date)))
    return IncomeDetail(rounds, income_bands.band_for(record), income_bands.graduation_for(rounds),
                        earliest_eligible(record.intervention_date))


def registry(viewer: User, search: str, page: int, per_page: int) -> tuple[list[Pendamping], bool, int]:
    """The pendamping registry the viewer may see: (rows of the page, has a next page, total)."""
    stmt = scoped(Pendamping, viewer).order_by(Pendamping.identifier)
    if search:
        stmt = stmt.where(contains(search, Pendamping.identifier, Pendamping.name))
    rows, has_next = _page(stmt, page, per_page)
    total = db.session.scalar(scoped(Pendamping, viewer).with_only_columns(func.count(Pendamping.id)))
    return rows, has_next, total
