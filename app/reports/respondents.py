"""Who answered and what they wrote: the respondent profile and the latest kritik dan saran.

Both read tables the database keeps by trigger (skm_profile_count, skm_summary)
where they can, so a report over a million responses never scans them all.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import exists, func, select

from app.core import report_db
from app.core.periods import Period
from app.extensions import db
from app.models import Layanan, RespondentCategory, SkmProfileCount, SkmProfileYear, SkmResponse
from app.models.followup import kritik_triage_theme
from app.models.skm import JENIS_KELAMIN, PEKERJAAN, PENDIDIKAN_LABELS
from app.reports.period_totals import period_totals
from app.skm import summary as skm_stats

# The migration-0005 trigger assigns these bands into skm_profile_count; change both together.
AGE_BANDS = (("< 20", None, 19), ("20-29", 20, 29), ("30-39", 30, 39), ("40-49", 40, 49),
             ("50-59", 50, 59), ("≥ 60", 60, None))
UNKNOWN = "Tidak diisi"
# Non-empty text, as length > 0 says, in the words of ix_skm_response_kritik_latest's predicate (migration
# 0024): the planner uses a partial index only for a query that states its predicate.
KRITIK_LATEST = SkmResponse.kritik_saran > ""


def profile(layanan_ids: list[int], period: Period, exclude_flagged: bool) -> dict[str, list[tuple[str, int]]]:
    """Respondent counts by jenis kelamin, usia, pendidikan, pekerjaan and kategori.

    Read from skm_profile_count, which triggers keep per layanan, month and flag
    state ('' = not given), so this never scans the responses; a period of whole
    years reads the yearly sums in skm_profile_year instead.
    """
    if not layanan_ids:
        return {}
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for dimension, value, count in report_db.execute(profile_counts(layanan_ids, period, exclude_flagged)):
        totals[dimension][value or None] += int(count)
    categories = {str(cid): name for cid, name in db.session.execute(
        select(RespondentCategory.id, RespondentCategory.name).order_by(RespondentCategory.sort_order))}
    orders = {
        "jenis_kelamin": [(key, label) for key, label in JENIS_KELAMIN.items()],
        "usia": [(label, label) for label, _low, _high in AGE_BANDS],
        "pendidikan": list(PENDIDIKAN_LABELS.items()),
        "pekerjaan": [(v, v) for v in PEKERJAAN],
        "kategori": list(categories.items()),
    }
    result = {}
    for dimension, order in orders.items():
        counts = totals.get(dimension, {})
        rows = [(label, counts.get(key, 0)) for key, label in order]
        if counts.get(None):
            rows.append((UNKNOWN, counts[None]))
        result[dimension] = rows
    return result


def profile_counts(layanan_ids: list[int], period: Period, exclude_flagged: bool, by_year: bool | None = None):
    """SELECT dimension, value, SUM(n) over the period: from skm_profile_year when it is whole years.

    A year report over 5,000 layanan summed 1.5 M monthly rows (0.3-0.5 s of its
    second, issue 17); the yearly table holds the same counts in ~10x fewer rows.
    ``by_year`` forces one table (tests compare the two).
    """
    whole_years = period.start.endswith("-01") and period.end.endswith("-12")
    if by_year if by_year is not None else whole_years:
        if not whole_years:
            raise ValueError("skm_profile_year only answers whole years")
        return (
            select(SkmProfileYear.dimension, SkmProfileYear.value, func.sum(SkmProfileYear.n))
            .where(skm_stats.layanan_in(SkmProfileYear.layanan_id, layanan_ids),
                   SkmProfileYear.year.between(period.start[:4], period.end[:4]),
                   *([SkmProfileYear.flagged.is_(False)] if exclude_flagged else []))
            .group_by(SkmProfileYear.dimension, SkmProfileYear.value)
        )
    return (
        select(SkmProfileCount.dimension, SkmProfileCount.value, func.sum(SkmProfileCount.n))
        .where(*skm_stats.summary_filter(SkmProfileCount, layanan_ids, period, exclude_flagged))
        .group_by(SkmProfileCount.dimension, SkmProfileCount.value)
    )


PROFILE_LABELS = {
    "jenis_kelamin": "Jenis kelamin",
    "usia": "Usia",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
    "kategori": "Kategori responden",
}


def kritik_saran(layanan_ids: list[int], period: Period, exclude_flagged: bool, limit: int = 200,
                 kritik_per_month: dict[str, int] | None = None) -> list[dict]:
    """The latest non-empty kritik dan saran (raw text; every renderer escapes it).

    Sorting every kritik of a large unit's year to keep 200 costs seconds; the
    summary says how many each month holds (``kritik_per_month``, read here
    unless the caller already has it), so only the latest months are read.
    """
    if not layanan_ids or limit <= 0:
        return []
    if kritik_per_month is None:
        kritik_per_month = kritik_months(layanan_ids, period, exclude_flagged)
    first_month = earliest_month_needed(kritik_per_month, limit)
    if first_month is None:
        return []
    # whether an analyst gave the answer a theme: the report estimates themes by keyword only for the rest
    tagged = exists().where(kritik_triage_theme.c.response_id == SkmResponse.id)
    stmt = (
        select(SkmResponse.submitted_at, SkmResponse.period, Layanan.name, SkmResponse.kritik_saran, tagged)
        .join(Layanan, Layanan.id == SkmResponse.layanan_id)
        .where(*skm_stats.response_filter(layanan_ids, period, exclude_flagged),
               SkmResponse.period >= first_month,
               SkmResponse.kritik_saran.is_not(None), func.length(SkmResponse.kritik_saran) > 0,
               KRITIK_LATEST)
        .order_by(SkmResponse.submitted_at.desc(), SkmResponse.id.desc())
        .limit(limit)
    )
    return [{"submitted_at": at, "period": month, "layanan": name, "text": text, "tagged": bool(is_tagged)}
            for at, month, name, text, is_tagged in report_db.execute(stmt)]


def kritik_months(layanan_ids: list[int], period: Period, exclude_flagged: bool) -> dict[str, int]:
    """Kritik per month from the summary (app.reports.period_totals reads it with the report's other totals)."""
    return period_totals(layanan_ids, {}, period, exclude_flagged).kritik_per_month


def earliest_month_needed(kritik_per_month: dict[str, int], limit: int) -> str | None:
    """The earliest month needed to collect the `limit` latest kritik."""
    collected, earliest = 0, None
    for month in sorted(kritik_per_month, reverse=True):
        collected, earliest = collected + kritik_per_month[month], month
        if collected >= limit:
            break
    return earliest if collected else None
