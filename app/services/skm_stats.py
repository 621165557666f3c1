"""IKM from the database: SQL sums and counts, statistics in analysis.ikm.

The sums come from skm_summary (per layanan, month and flag state), which the
database keeps equal to SUM/COUNT over skm_response by trigger. A report over a
million responses therefore reads a few thousand summary rows instead of
scanning every response; `summary_matches_raw()` checks that equality.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Float, case, cast, func, not_, or_, select, text
from sqlalchemy.sql.elements import ColumnElement

from analysis.ikm import IkmResult, compute_ikm_from_sums
from app.extensions import db
from app.models import SkmResponse, SkmSummary
from app.models.skm import UNSUR_COLUMNS
from app.services.periods import Period

_COLUMNS = [getattr(SkmResponse, name) for name in UNSUR_COLUMNS]
_answered = sum((case((col.is_not(None), 1), else_=0) for col in _COLUMNS), start=0)
_total = sum((func.coalesce(col, 0) for col in _COLUMNS), start=0)
# Respondent mean m_i over answered unsur; NULL when none answered, which SUM/COUNT skip.
RESPONDENT_MEAN = cast(_total, Float) / func.nullif(_answered, 0)


def any_flag() -> ColumnElement[bool]:
    return or_(SkmResponse.flag_straightline, SkmResponse.flag_too_fast, SkmResponse.flag_repeat_device,
               SkmResponse.flag_stamp_reused)


def response_filter(layanan_ids: Iterable[int], period: Period | None,
                    exclude_flagged: bool = False) -> list[ColumnElement[bool]]:
    """WHERE clauses for queries over the raw responses (exports, kritik dan saran)."""
    clauses = [SkmResponse.layanan_id.in_(list(layanan_ids))]
    if period is not None:
        clauses.append(SkmResponse.period.between(period.start, period.end))
    if exclude_flagged:
        clauses.append(not_(any_flag()))
    return clauses


def summary_filter(model, layanan_ids: Iterable[int], period: Period | None,
                   exclude_flagged: bool = False) -> list[ColumnElement[bool]]:
    """The same selection over a summary table (SkmSummary or SkmProfileCount)."""
    clauses = [model.layanan_id.in_(list(layanan_ids))]
    if period is not None:
        clauses.append(model.period.between(period.start, period.end))
    if exclude_flagged:
        clauses.append(model.flagged.is_(False))
    return clauses


def _aggregate_columns() -> list:
    columns = [func.sum(SkmSummary.n).label("n")]
    for name in UNSUR_COLUMNS:
        columns += [func.sum(getattr(SkmSummary, f"{name}_sum")).label(f"{name}_sum"),
                    func.sum(getattr(SkmSummary, f"{name}_count")).label(f"{name}_count")]
    columns += [
        func.sum(SkmSummary.m_sum).label("m_sum"),
        func.sum(SkmSummary.m_sumsq).label("m_sumsq"),
        func.sum(SkmSummary.m_count).label("m_count"),
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
        select(SkmSummary.layanan_id, *_aggregate_columns())
        .where(*summary_filter(SkmSummary, ids, period, exclude_flagged))
        .group_by(SkmSummary.layanan_id)
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
    stmt = select(*_aggregate_columns()).where(*summary_filter(SkmSummary, ids, period, exclude_flagged))
    row = db.session.execute(stmt).one()
    return _result(row) if row.n else None


def flag_counts(layanan_ids: Iterable[int], period: Period | None) -> dict[str, int]:
    """How many responses carry each data-quality flag (and any flag)."""
    ids = list(layanan_ids)
    keys = ("total", "flagged", "straightline", "too_fast", "repeat_device", "stamp_reused")
    if not ids:
        return dict.fromkeys(keys, 0)
    stmt = select(
        func.coalesce(func.sum(SkmSummary.n), 0),
        func.coalesce(func.sum(case((SkmSummary.flagged, SkmSummary.n), else_=0)), 0),
        func.coalesce(func.sum(SkmSummary.n_straightline), 0),
        func.coalesce(func.sum(SkmSummary.n_too_fast), 0),
        func.coalesce(func.sum(SkmSummary.n_repeat_device), 0),
        func.coalesce(func.sum(SkmSummary.n_stamp_reused), 0),
    ).where(*summary_filter(SkmSummary, ids, period))
    row = db.session.execute(stmt).one()
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def _raw_totals() -> list:
    """Per (layanan, month, flag state) totals recomputed from skm_response."""
    flagged = case((any_flag(), True), else_=False)
    columns = [SkmResponse.layanan_id, SkmResponse.period, flagged, func.count()]
    for col in _COLUMNS:
        columns += [func.coalesce(func.sum(col), 0), func.count(col)]
    columns += [func.count(RESPONDENT_MEAN)]
    stmt = select(*columns).group_by(SkmResponse.layanan_id, SkmResponse.period, flagged)
    return sorted(tuple(int(v) if not isinstance(v, str) else v for v in row) for row in db.session.execute(stmt))


def _summary_totals() -> list:
    columns = [SkmSummary.layanan_id, SkmSummary.period, SkmSummary.flagged, SkmSummary.n]
    for name in UNSUR_COLUMNS:
        columns += [getattr(SkmSummary, f"{name}_sum"), getattr(SkmSummary, f"{name}_count")]
    columns += [SkmSummary.m_count]
    stmt = select(*columns).where(SkmSummary.n != 0)
    return sorted(tuple(int(v) if not isinstance(v, str) else v for v in row) for row in db.session.execute(stmt))


def summary_matches_raw() -> bool:
    """True when the trigger-kept summary equals a full recomputation (an audit, not a hot path)."""
    return _raw_totals() == _summary_totals()


def rebuild_summary() -> None:
    """Recompute the summary tables from skm_response (a rare repair tool, O(rows)).

    The responses are copied aside, removed and put back unchanged, so the
    insert trigger re-adds every row with exactly its own arithmetic; nothing
    references skm_response, and the whole rebuild is one transaction.
    """
    for statement in (
        "CREATE TEMPORARY TABLE skm_rebuild AS SELECT * FROM skm_response",
        "DELETE FROM skm_response",
        "DELETE FROM skm_profile_count",
        "DELETE FROM skm_summary",
        "INSERT INTO skm_response SELECT * FROM skm_rebuild",
        "DROP TABLE skm_rebuild",
    ):
        db.session.execute(text(statement))
