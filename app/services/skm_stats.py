"""IKM from the database: SQL sums and counts, statistics in analysis.ikm.

One GROUP BY pass gives, per unsur, SUM(u) and COUNT(u), plus the respondent-level
sums the confidence interval needs (each respondent's mean over the unsur they
answered). No response row ever reaches Python, so a million responses cost one
indexed scan.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Float, case, cast, func, not_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from analysis.ikm import IkmResult, compute_ikm_from_sums
from app.extensions import db
from app.models import SkmResponse
from app.models.skm import UNSUR_COLUMNS
from app.services.periods import Period

_COLUMNS = [getattr(SkmResponse, name) for name in UNSUR_COLUMNS]
_answered = sum((case((col.is_not(None), 1), else_=0) for col in _COLUMNS), start=0)
_total = sum((func.coalesce(col, 0) for col in _COLUMNS), start=0)
# Respondent mean m_i over answered unsur; NULL when none answered, which SUM/COUNT skip.
RESPONDENT_MEAN = cast(_total, Float) / func.nullif(_answered, 0)


def any_flag() -> ColumnElement[bool]:
    return or_(SkmResponse.flag_straightline, SkmResponse.flag_too_fast, SkmResponse.flag_repeat_device)


def response_filter(layanan_ids: Iterable[int], period: Period | None,
                    exclude_flagged: bool = False) -> list[ColumnElement[bool]]:
    """WHERE clauses shared by every SKM aggregate."""
    clauses = [SkmResponse.layanan_id.in_(list(layanan_ids))]
    if period is not None:
        clauses.append(SkmResponse.period.between(period.start, period.end))
    if exclude_flagged:
        clauses.append(not_(any_flag()))
    return clauses


def _aggregate_columns() -> list:
    columns = [func.count().label("n")]
    for name, col in zip(UNSUR_COLUMNS, _COLUMNS, strict=True):
        columns += [func.sum(col).label(f"{name}_sum"), func.count(col).label(f"{name}_count")]
    columns += [
        func.sum(RESPONDENT_MEAN).label("m_sum"),
        func.sum(RESPONDENT_MEAN * RESPONDENT_MEAN).label("m_sumsq"),
        func.count(RESPONDENT_MEAN).label("m_count"),
    ]
    return columns


def _result(row) -> IkmResult | None:
    sums = {
        name.upper(): (int(getattr(row, f"{name}_sum") or 0), int(getattr(row, f"{name}_count")))
        for name in UNSUR_COLUMNS
        if getattr(row, f"{name}_count")
    }
    if not sums:
        return None
    return compute_ikm_from_sums(
        sums,
        int(row.n),
        respondent_sum=float(row.m_sum or 0.0),
        respondent_sumsq=float(row.m_sumsq or 0.0),
        respondent_count=int(row.m_count),
    )


def ikm_by_layanan(layanan_ids: Iterable[int], period: Period | None,
                   exclude_flagged: bool = False) -> dict[int, IkmResult]:
    """IKM per layanan; layanan without answers are left out."""
    ids = list(layanan_ids)
    if not ids:
        return {}
    stmt = (
        select(SkmResponse.layanan_id, *_aggregate_columns())
        .where(*response_filter(ids, period, exclude_flagged))
        .group_by(SkmResponse.layanan_id)
    )
    results = {}
    for row in db.session.execute(stmt):
        result = _result(row)
        if result is not None:
            results[row.layanan_id] = result
    return results


def ikm_for(layanan_ids: Iterable[int], period: Period | None,
            exclude_flagged: bool = False) -> IkmResult | None:
    """One IKM pooled over all responses of the given layanan (None without answers)."""
    ids = list(layanan_ids)
    if not ids:
        return None
    stmt = select(*_aggregate_columns()).where(*response_filter(ids, period, exclude_flagged))
    row = db.session.execute(stmt).one()
    return _result(row) if row.n else None


def flag_counts(layanan_ids: Iterable[int], period: Period | None) -> dict[str, int]:
    """How many responses carry each data-quality flag (and any flag)."""
    ids = list(layanan_ids)
    keys = ("total", "flagged", "straightline", "too_fast", "repeat_device")
    if not ids:
        return dict.fromkeys(keys, 0)

    def count_if(condition) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = select(
        func.count(),
        count_if(any_flag()),
        count_if(SkmResponse.flag_straightline),
        count_if(SkmResponse.flag_too_fast),
        count_if(SkmResponse.flag_repeat_device),
    ).where(*response_filter(ids, period))
    row = db.session.execute(stmt).one()
    return {key: int(value) for key, value in zip(keys, row, strict=True)}
