"""SQL aggregates of field monitoring, for the indicator pages.

Every function counts in the database (COUNT / SUM ... GROUP BY); nothing
loops over rows in Python. `unit_id` always means the unit and its subtree;
`region_id` the region and its subtree (a province includes its kab/kota).
`period` is an app.core.periods.Period, a period code ("2025",
"2025-S1", "2025-Q1", "2025-03") or None for all time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from app.core.periods import Period, parse_period
from app.core.scoping import region_subtree_ids, unit_subtree_ids
from app.extensions import db
from app.models import IncomeProgram, IncomeSample, Pendamping, PendampingCheck, PendampingType


@dataclass(frozen=True)
class PendampingOutcome:
    """Per pendamping type: `optimal` of `sampled` valid records; `rejected` records are excluded."""

    optimal: int
    sampled: int
    rejected: int


@dataclass(frozen=True)
class IncomeOutcome:
    """KPM counted by their latest eligible round (one per KPM and programme).

    increased: latest eligible round has income after > before (the n)
    eligible: KPM with at least one eligible round (the t)
    excluded_ineligible: KPM whose rounds are all earlier than 3 months after the intervention
    ineligible_samples: valid rounds flagged ineligible (stored, excluded)
    rejected: rounds an analyst rejected (stored, excluded)
    """

    increased: int
    eligible: int
    excluded_ineligible: int
    ineligible_samples: int
    rejected: int


def _period(period: Period | str | None) -> Period | None:
    if period is None or isinstance(period, Period):
        return period
    return parse_period(period)


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def pendamping_population(unit_id: int, type_code: str | None = None, region_id: int | None = None,
                          period: Period | str | None = None) -> int:
    """Pendamping registered in the scope and active in the period.

    Active in the period: status aktif, or berhenti on/after the period's first
    day. Without a period: currently aktif only.
    """
    stmt = select(func.count(Pendamping.id)).where(*_pendamping_filters(unit_id, type_code, region_id, period))
    return int(db.session.scalar(stmt) or 0)


def pendamping_population_by_type(unit_id: int, region_id: int | None = None,
                                  period: Period | str | None = None) -> dict[str, int]:
    """Like pendamping_population, one count per type code."""
    stmt = (select(PendampingType.code, func.count(Pendamping.id))
            .join(PendampingType, Pendamping.type_id == PendampingType.id)
            .where(*_pendamping_filters(unit_id, None, region_id, period))
            .group_by(PendampingType.code))
    return {code: int(n) for code, n in db.session.execute(stmt)}


def _pendamping_filters(unit_id, type_code, region_id, period) -> list:
    p = _period(period)
    filters = [Pendamping.unit_id.in_(unit_subtree_ids(unit_id))]
    if type_code:
        filters.append(Pendamping.type_id == _type_id(type_code))
    if region_id:
        filters.append(Pendamping.region_id.in_(region_subtree_ids(region_id)))
    if p is None:
        filters.append(Pendamping.status == "aktif")
    else:
        filters.append(or_(Pendamping.status == "aktif", Pendamping.status_date >= _first_day(p.start)))
    return filters


def _type_id(code: str):
    return select(PendampingType.id).where(PendampingType.code == code).scalar_subquery()


def pendamping_outcomes(unit_id: int, type_code: str | None = None, region_id: int | None = None,
                        period: Period | str | None = None) -> dict[str, PendampingOutcome]:
    """Per type code: optimal / sampled (valid records) / rejected records.

    A record belongs to `period` when its own monitoring period lies inside it
    (a yearly check counts for the year, not for one of its quarters).
    """
    p = _period(period)
    C = PendampingCheck
    filters = [C.unit_id.in_(unit_subtree_ids(unit_id))]
    if type_code:
        filters.append(C.type_id == _type_id(type_code))
    if region_id:
        filters.append(C.region_id.in_(region_subtree_ids(region_id)))
    if p is not None:
        filters.extend([C.period_start >= p.start, C.period_end <= p.end])
    valid = C.status == "valid"
    stmt = (select(PendampingType.code,
                   func.sum(case((and_(valid, C.optimal.is_(True)), 1), else_=0)),
                   func.sum(case((valid, 1), else_=0)),
                   func.sum(case((valid, 0), else_=1)))
            .join(PendampingType, C.type_id == PendampingType.id)
            .where(*filters)
            .group_by(PendampingType.code))
    return {code: PendampingOutcome(int(o or 0), int(s or 0), int(r or 0))
            for code, o, s, r in db.session.execute(stmt)}


def _income_filters(unit_id: int, program: str | None, measure: str | None, period: Period | str | None,
                    cohort_year: int | None, region_id: int | None) -> list:
    p = _period(period)
    S = IncomeSample
    filters = [S.unit_id.in_(unit_subtree_ids(unit_id))]
    if program:
        filters.append(S.program_id == select(IncomeProgram.id).where(IncomeProgram.code == program).scalar_subquery())
    if measure:
        filters.append(S.measure == measure)
    if p is not None:
        filters.append(S.period.between(p.start, p.end))
    if cohort_year:
        filters.append(S.cohort_year == cohort_year)
    if region_id:
        filters.append(S.region_id.in_(region_subtree_ids(region_id)))
    return filters


def _latest_eligible(filters: list, *columns):
    """Subquery of the valid, eligible rounds with their rank per KPM and programme (1 = latest)."""
    S = IncomeSample
    rank = func.row_number().over(partition_by=(S.kpm_id, S.program_id),
                                  order_by=(S.monitoring_date.desc(), S.id.desc())).label("rank")
    return select(*columns, rank).where(*filters, S.status == "valid", S.eligible.is_(True)).subquery()


@dataclass(frozen=True)
class IncomePair:
    """The before and after income of one KPM's latest eligible round (the rounds the indicator counts)."""

    before: int
    after: int
    household_size: int
    measure: str
    region_id: int
    monitoring_date: date


def income_pairs(unit_id: int, program: str | None = None, measure: str | None = None,
                 period: Period | str | None = None, cohort_year: int | None = None,
                 region_id: int | None = None) -> list[IncomePair]:
    """One (before, after) pair per KPM and programme, from the same rounds as income_outcomes.

    The panel statistics need each KPM's pair (a median, an exact McNemar
    test), so this returns one row per counted KPM rather than sums.
    """
    S = IncomeSample
    latest = _latest_eligible(_income_filters(unit_id, program, measure, period, cohort_year, region_id),
                              S.income_before, S.income_after, S.household_size, S.measure, S.region_id,
                              S.monitoring_date, S.id)
    rows = db.session.execute(select(latest.c.income_before, latest.c.income_after, latest.c.household_size,
                                     latest.c.measure, latest.c.region_id, latest.c.monitoring_date)
                              .where(latest.c.rank == 1).order_by(latest.c.id))
    return [IncomePair(int(b), int(a), int(h), m, int(r), d) for b, a, h, m, r, d in rows]


def income_outcomes(unit_id: int, program: str | None = None, measure: str | None = None,
                    period: Period | str | None = None, cohort_year: int | None = None,
                    region_id: int | None = None) -> IncomeOutcome:
    """Counts for "KPM meningkat pendapatan" = increased / eligible.

    Rounds are filtered by unit subtree, programme code, income measure, the
    month of the monitoring date (`period`), cohort year and region; among the
    remaining valid, eligible rounds each KPM (per programme) counts once, by
    its latest monitoring date (ties: the later-recorded row).
    """
    S = IncomeSample
    filters = _income_filters(unit_id, program, measure, period, cohort_year, region_id)
    latest = _latest_eligible(filters, S.increased)
    increased, eligible = db.session.execute(
        select(func.coalesce(func.sum(case((latest.c.increased.is_(True), 1), else_=0)), 0), func.count())
        .where(latest.c.rank == 1)
    ).one()

    per_kpm = (select(func.max(case((S.eligible.is_(True), 1), else_=0)).label("any_eligible"))
               .where(*filters, S.status == "valid")
               .group_by(S.kpm_id, S.program_id)
               .subquery())
    excluded = db.session.scalar(select(func.count()).select_from(per_kpm).where(per_kpm.c.any_eligible == 0))

    ineligible_samples, rejected = db.session.execute(
        select(func.coalesce(func.sum(case((and_(S.status == "valid", S.eligible.is_(False)), 1), else_=0)), 0),
               func.coalesce(func.sum(case((S.status == "rejected", 1), else_=0)), 0))
        .where(*filters)
    ).one()
    return IncomeOutcome(int(increased), int(eligible), int(excluded or 0), int(ineligible_samples), int(rejected))
