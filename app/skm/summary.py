"""IKM from the database: SQL sums and counts, statistics in analysis.ikm.

The sums come from skm_summary and skm_summary_cross (per layanan, month and
flag state), which the database keeps equal to SUM/COUNT over skm_response by
trigger. A report over a million responses therefore reads a few thousand
summary rows instead of scanning every response; `summary_matches_raw()`
checks that equality. The cross-product sums give each score its linearised
interval (analysis.ikm).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlalchemy import Float, Integer, any_, case, cast, func, literal, not_, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from analysis.ikm import PAIRS, IkmResult
from analysis.ikm_batch import ikm_batch
from app.core import report_db
from app.core.periods import Period
from app.extensions import db
from app.models import SkmProfileCount, SkmProfileYear, SkmResponse, SkmSummary, SkmSummaryCross
from app.models.skm import UNSUR_COLUMNS
from app.models.skm_summary import CROSS_COLUMNS

_COLUMNS = [getattr(SkmResponse, name) for name in UNSUR_COLUMNS]
_answered = sum((case((col.is_not(None), 1), else_=0) for col in _COLUMNS), start=0)
_total = sum((func.coalesce(col, 0) for col in _COLUMNS), start=0)
# Respondent mean m_i over answered unsur; NULL when none answered, which SUM/COUNT skip.
RESPONDENT_MEAN = cast(_total, Float) / func.nullif(_answered, 0)


def any_flag() -> ColumnElement[bool]:
    return or_(SkmResponse.flag_straightline, SkmResponse.flag_too_fast, SkmResponse.flag_repeat_device,
               SkmResponse.flag_stamp_reused)


# From this many ids on, PostgreSQL gets them as one int[] parameter: 5,000 bound parameters
# cost more to send, parse and plan than the summary query itself (issue 17).
ARRAY_IDS_FROM = 50


def layanan_in(column, layanan_ids: list[int]) -> ColumnElement[bool]:
    """column IN ids; on PostgreSQL with many ids, column = ANY(:ids) with one array parameter."""
    if len(layanan_ids) >= ARRAY_IDS_FROM and report_db.engine().dialect.name == "postgresql":
        return column == any_(literal(layanan_ids, ARRAY(Integer)))
    return column.in_(layanan_ids)


def response_filter(layanan_ids: Iterable[int], period: Period | None,
                    exclude_flagged: bool = False, literal_ids: bool = False) -> list[ColumnElement[bool]]:
    """WHERE clauses for queries over the raw responses (exports, kritik dan saran).

    ``literal_ids`` keeps a plain IN list, for a statement compiled with its values inline (COPY).
    """
    ids = list(layanan_ids)
    clauses = [SkmResponse.layanan_id.in_(ids) if literal_ids else layanan_in(SkmResponse.layanan_id, ids)]
    if period is not None:
        clauses.append(SkmResponse.period.between(period.start, period.end))
    if exclude_flagged:
        clauses.append(not_(any_flag()))
    return clauses


def summary_filter(model, layanan_ids: Iterable[int], period: Period | None,
                   exclude_flagged: bool = False) -> list[ColumnElement[bool]]:
    """The same selection over a summary table (SkmSummary or SkmProfileCount)."""
    clauses = [layanan_in(model.layanan_id, list(layanan_ids))]
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
    return columns


def _cross_columns() -> list:
    return [func.sum(SkmSummaryCross.__table__.c[name]).label(name) for name in CROSS_COLUMNS]


def _cross_layout() -> tuple[list[int], list[tuple[int, int]]]:
    """Where the CROSS_COLUMNS go in the (45, 4) per-pair array analysis.ikm_batch takes.

    Per column, its (pair, slot); the diagonal pairs' count and sums come from
    skm_summary (slots 0-2), only their sum of squares (slot 3) from the cross row.
    """
    where = {name: i for i, name in enumerate(CROSS_COLUMNS)}
    read, targets = [], []
    for m, (u, v) in enumerate(PAIRS):
        i, j = u[1:], v[1:]
        names = [f"p{i}{i}"] if u == v else [f"{kind}{i}{j}" for kind in "cstp"]
        for slot, name in zip((3,) if u == v else (0, 1, 2, 3), names, strict=True):
            read.append(where[name])
            targets.append((m, slot))
    return read, targets


_READ, _TARGETS = _cross_layout()
_DIAGONAL = [m for m, (u, v) in enumerate(PAIRS) if u == v]


def _results(table: np.ndarray, cross_table: np.ndarray | None, keys: int) -> dict:
    """{period bucket: {layanan_id: IkmResult}} from the summary and cross matrices (report_db.int_matrix).

    The first ``keys`` columns are (bucket, layanan_id) or (layanan_id,) (bucket
    None); then n and each unsur's sum and count, or the CROSS_COLUMNS. All rows
    are scored at once by analysis.ikm_batch (numpy over the summed columns; the
    same numbers as compute_ikm_from_sums row by row, issue 17).
    """
    groups = table[:, 0].tolist() if keys == 2 else [None] * len(table)
    ids = table[:, keys - 1].tolist()
    out: dict = {None: {}, **{group: {} for group in groups}}
    n, sums, counts = table[:, keys], table[:, keys + 1::2], table[:, keys + 2::2]
    cross, has_cross = None, np.zeros(len(table), dtype=bool)
    if cross_table is not None:
        at = {(g, i): row for row, (g, i) in enumerate(zip(
            cross_table[:, 0].tolist() if keys == 2 else [None] * len(cross_table),
            cross_table[:, keys - 1].tolist(), strict=True))}
        rows = [at.get(key, -1) for key in zip(groups, ids, strict=True)]
        position = np.array(rows, dtype=np.int64)
        has_cross = position >= 0
        values = np.zeros((len(table), len(CROSS_COLUMNS)), dtype=np.int64)
        values[has_cross] = cross_table[position[has_cross], keys:]
        cross = np.zeros((len(table), len(PAIRS), 4), dtype=np.int64)
        pair, slot = (np.array(x) for x in zip(*_TARGETS, strict=True))
        cross[:, pair, slot] = values[:, _READ]
        cross[:, _DIAGONAL, 0] = counts
        cross[:, _DIAGONAL, 1] = cross[:, _DIAGONAL, 2] = sums
    results: list = [None] * len(table)
    for mask, with_cross in ((has_cross, True), (~has_cross, False)):
        picked = np.nonzero(mask)[0]
        if picked.size:
            scored = ikm_batch(n[picked], sums[picked], counts[picked], cross[picked] if with_cross else None)
            for i, result in zip(picked.tolist(), scored, strict=True):
                results[i] = result
    for group, layanan_id, result in zip(groups, ids, results, strict=True):
        if result is not None:
            out[group][layanan_id] = result
    return out


def ikm_by_layanan(layanan_ids: Iterable[int], period: Period | None,
                   exclude_flagged: bool = False, with_variance: bool = True) -> dict[int, IkmResult]:
    """IKM per layanan, each with its linearised variance; layanan without answers are left out.

    ``with_variance=False`` skips the cross-product sums (a trend line shows scores only).
    """
    ids = list(layanan_ids)
    if not ids:
        return {}
    if period is not None:
        return ikm_by_layanan_periods(ids, [period], exclude_flagged, with_variance)[period]
    stmt = (
        select(SkmSummary.layanan_id, *_aggregate_columns())
        .where(*summary_filter(SkmSummary, ids, None, exclude_flagged))
        .group_by(SkmSummary.layanan_id)
    )
    cross_stmt = (
        select(SkmSummaryCross.layanan_id, *_cross_columns())
        .where(*summary_filter(SkmSummaryCross, ids, None, exclude_flagged))
        .group_by(SkmSummaryCross.layanan_id)
    )
    return _results(report_db.int_matrix(stmt), report_db.int_matrix(cross_stmt) if with_variance else None, 1)[None]


def ikm_by_layanan_periods(layanan_ids: Iterable[int], periods: list[Period], exclude_flagged: bool = False,
                           with_variance: bool = True, scores_only: Iterable[Period] = ()
                           ) -> dict[Period, dict[int, IkmResult]]:
    """ikm_by_layanan for several periods of one kind at once: one grouped query (two with variance).

    A report needs its period, the periods it is compared with and a trend: at
    thousands of layanan, one round trip per period costs more than the sums.
    Periods of one kind are equal or disjoint; equal ones are read once. The
    periods in ``scores_only`` (a trend's older points) get no variance, so
    their 155 cross sums per layanan are not read.
    """
    ids = list(layanan_ids)
    periods = list(dict.fromkeys(periods))
    plain = set(scores_only)
    if with_variance and periods and all(p in plain for p in periods):
        with_variance = False
    if not ids or not periods:
        return {p: {} for p in periods}

    def bucket(model, chosen):
        return case(*((model.period.between(p.start, p.end), i) for i, p in enumerate(periods) if p in chosen),
                    else_=None)

    def where(model, chosen):
        return [layanan_in(model.layanan_id, ids),
                model.period.between(min(p.start for p in chosen), max(p.end for p in chosen)),
                bucket(model, chosen).is_not(None),
                *([model.flagged.is_(False)] if exclude_flagged else [])]

    summary_bucket = bucket(SkmSummary, periods).label("bucket")
    stmt = (select(summary_bucket, SkmSummary.layanan_id, *_aggregate_columns())
            .where(*where(SkmSummary, periods)).group_by(summary_bucket, SkmSummary.layanan_id))
    with_cross = [p for p in periods if p not in plain]
    cross_bucket = bucket(SkmSummaryCross, with_cross).label("bucket") if with_variance else None
    cross_stmt = (select(cross_bucket, SkmSummaryCross.layanan_id, *_cross_columns())
                  .where(*where(SkmSummaryCross, with_cross))
                  .group_by(cross_bucket, SkmSummaryCross.layanan_id)) if with_variance else None
    found = _results(report_db.int_matrix(stmt), report_db.int_matrix(cross_stmt) if with_variance else None, 2)
    return {p: found.get(i, {}) for i, p in enumerate(periods)}


def ikm_for(layanan_ids: Iterable[int], period: Period | None,
            exclude_flagged: bool = False) -> IkmResult | None:
    """One IKM pooled over all responses of the given layanan (None without answers)."""
    ids = list(layanan_ids)
    if not ids:
        return None
    one = literal(0).label("layanan_id")
    stmt = select(one, *_aggregate_columns()).where(*summary_filter(SkmSummary, ids, period, exclude_flagged))
    cross_stmt = select(one, *_cross_columns()).where(*summary_filter(SkmSummaryCross, ids, period, exclude_flagged))
    found = _results(report_db.int_matrix(stmt), report_db.int_matrix(cross_stmt), 1)
    return found[None].get(0)


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
    row = report_db.execute(stmt).one()
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def _raw_cross_values() -> list:
    """What each response adds to skm_summary_cross, as SQL over skm_response."""
    values = []
    for name in CROSS_COLUMNS:
        kind, i, j = name[0], int(name[1]), int(name[2])
        ui, uj = _COLUMNS[i - 1], _COLUMNS[j - 1]
        both = case((ui.is_not(None) & uj.is_not(None), 1), else_=0)
        yi, yj = func.coalesce(ui, 0), func.coalesce(uj, 0)
        values.append({"c": both, "s": yi * both, "t": yj * both, "p": yi * yj}[kind])
    return values


def _raw_totals() -> list:
    """Per (layanan, month, flag state) totals recomputed from skm_response."""
    flagged = case((any_flag(), True), else_=False)
    columns = [SkmResponse.layanan_id, SkmResponse.period, flagged, func.count()]
    for col in _COLUMNS:
        columns += [func.coalesce(func.sum(col), 0), func.count(col)]
    columns += [func.count(RESPONDENT_MEAN)]
    columns += [func.coalesce(func.sum(value), 0) for value in _raw_cross_values()]
    stmt = select(*columns).group_by(SkmResponse.layanan_id, SkmResponse.period, flagged)
    return sorted(tuple(int(v) if not isinstance(v, str) else v for v in row) for row in db.session.execute(stmt))


def _summary_totals() -> list:
    cross = SkmSummaryCross.__table__.c
    columns = [SkmSummary.layanan_id, SkmSummary.period, SkmSummary.flagged, SkmSummary.n]
    for name in UNSUR_COLUMNS:
        columns += [getattr(SkmSummary, f"{name}_sum"), getattr(SkmSummary, f"{name}_count")]
    columns += [SkmSummary.m_count]
    columns += [func.coalesce(cross[name], 0) for name in CROSS_COLUMNS]
    stmt = (
        select(*columns)
        .outerjoin(SkmSummaryCross, (SkmSummaryCross.layanan_id == SkmSummary.layanan_id)
                   & (SkmSummaryCross.period == SkmSummary.period) & (SkmSummaryCross.flagged == SkmSummary.flagged))
        .where(SkmSummary.n != 0)
    )
    return sorted(tuple(int(v) if not isinstance(v, str) else v for v in row) for row in db.session.execute(stmt))


def _cross_orphans() -> int:
    """Cross rows with responses but no skm_summary row (both tables must cover the same keys)."""
    stmt = (
        select(func.count())
        .select_from(SkmSummaryCross)
        .outerjoin(SkmSummary, (SkmSummaryCross.layanan_id == SkmSummary.layanan_id)
                   & (SkmSummaryCross.period == SkmSummary.period) & (SkmSummaryCross.flagged == SkmSummary.flagged))
        .where(SkmSummaryCross.n != 0, or_(SkmSummary.n.is_(None), SkmSummary.n != SkmSummaryCross.n))
    )
    return int(db.session.execute(stmt).scalar_one())


def _profile_year_mismatches() -> int:
    """(layanan, year, flag state, value) keys where skm_profile_year differs from its months' sums."""
    year = func.substr(SkmProfileCount.period, 1, 4)
    monthly = (select(SkmProfileCount.layanan_id, year.label("year"), SkmProfileCount.flagged,
                      SkmProfileCount.dimension, SkmProfileCount.value, func.sum(SkmProfileCount.n).label("n"))
               .group_by(SkmProfileCount.layanan_id, year, SkmProfileCount.flagged, SkmProfileCount.dimension,
                         SkmProfileCount.value))
    yearly = select(SkmProfileYear.layanan_id, SkmProfileYear.year, SkmProfileYear.flagged,
                    SkmProfileYear.dimension, SkmProfileYear.value, SkmProfileYear.n)
    months = {tuple(row[:5]): int(row[5]) for row in db.session.execute(monthly) if row[5]}
    years = {tuple(row[:5]): int(row[5]) for row in db.session.execute(yearly) if row[5]}
    return sum(1 for key in months.keys() | years.keys() if months.get(key) != years.get(key))


def summary_matches_raw() -> bool:
    """True when the trigger-kept summaries equal a full recomputation (an audit, not a hot path).

    The yearly profile counts are checked against the monthly ones they sum.
    """
    return _raw_totals() == _summary_totals() and _cross_orphans() == 0 and _profile_year_mismatches() == 0


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
        "DELETE FROM skm_profile_year",  # after the months, whose delete trigger takes them out of it
        "DELETE FROM skm_summary",
        "DELETE FROM skm_summary_cross",
        "INSERT INTO skm_response SELECT * FROM skm_rebuild",
        "DROP TABLE skm_rebuild",
    ):
        db.session.execute(text(statement))


def rebuild_and_verify() -> bool:
    """The `rebuild-skm-summary` repair: rebuild, then check against the raw rows in the same transaction."""
    rebuild_summary()
    return summary_matches_raw()
