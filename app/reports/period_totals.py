"""One pass over the summary rows of a report's period: pooled IKM per sub-tree, flag counts, kritik per month.

The report needs the pooled IKM (from the raw sums) of its unit and of each
child unit, how many responses carry each data-quality flag, and how many kritik
each month holds. All three are sums over the same skm_summary rows, so one
grouped query (by sub-tree, month and flag state) serves them all instead of
two queries per child unit plus two more. The pooled value is a different
estimator from the roll-up and carries no interval (app.reports.rollup), so it
needs no cross-product sums.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from analysis.ikm import IkmResult
from analysis.ikm_sums import compute_ikm_from_sums
from app.core import report_db
from app.core.periods import Period
from app.models import SkmSummary
from app.models.skm import UNSUR_COLUMNS
from app.skm import summary as skm_stats

FLAG_KEYS = ("total", "flagged", "straightline", "too_fast", "repeat_device", "stamp_reused")
_SUMS = ("n", *(f"{name}_{kind}" for name in UNSUR_COLUMNS for kind in ("sum", "count")))
_FLAG_SUMS = ("n_straightline", "n_too_fast", "n_repeat_device", "n_stamp_reused")


@dataclass
class PeriodTotals:
    pooled: dict = field(default_factory=dict)  # group key -> IkmResult | None; the key None is every layanan
    flags: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_KEYS, 0))
    kritik_per_month: dict[str, int] = field(default_factory=dict)


def pooled_result(sums: Mapping[str, int]) -> IkmResult | None:
    """The IKM of summed raw answers (None without any answer)."""
    answered = {name.upper(): (sums[f"{name}_sum"], sums[f"{name}_count"])
                for name in UNSUR_COLUMNS if sums.get(f"{name}_count")}
    if not sums.get("n") or not answered:
        return None
    return compute_ikm_from_sums(answered, sums["n"])


def period_totals(layanan_ids: list[int], groups: Mapping[object, list[int]], period: Period,
                  exclude_flagged: bool) -> PeriodTotals:
    """Totals over `layanan_ids` in `period`; `pooled` for every layanan (key None) and for each group.

    ``groups`` maps a key (a child unit's id) to its layanan ids, a subset of
    `layanan_ids`; groups must not overlap. Flag counts always count every
    response; the pooled sums and kritik months leave flagged ones out when
    ``exclude_flagged``.
    """
    totals = PeriodTotals()
    if not layanan_ids:
        return totals
    whens = [(skm_stats.layanan_in(SkmSummary.layanan_id, ids), i) for i, ids in enumerate(groups.values()) if ids]
    group_of = case(*whens, else_=-1) if whens else None
    keys = list(groups)
    columns = [func.sum(getattr(SkmSummary, name)) for name in (*_SUMS, *_FLAG_SUMS, "n_kritik")]
    grouping = [SkmSummary.period, SkmSummary.flagged, *([group_of.label("grp")] if group_of is not None else [])]
    stmt = (select(*grouping, *columns)
            .where(*skm_stats.summary_filter(SkmSummary, layanan_ids, period))
            .group_by(*grouping))
    sums: dict = defaultdict(lambda: defaultdict(int))
    for row in report_db.execute(stmt):
        month, flagged = row[0], bool(row[1])
        group = row[2] if group_of is not None else -1
        values = dict(zip((*_SUMS, *_FLAG_SUMS, "n_kritik"), (int(v or 0) for v in row[len(grouping):]),
                          strict=True))
        totals.flags["total"] += values["n"]
        totals.flags["flagged"] += values["n"] if flagged else 0
        for key in _FLAG_SUMS:
            totals.flags[key.removeprefix("n_")] += values[key]
        if flagged and exclude_flagged:
            continue
        totals.kritik_per_month[month] = totals.kritik_per_month.get(month, 0) + values["n_kritik"]
        for target in (None, keys[group] if 0 <= group < len(keys) else -1):
            for key in _SUMS:
                sums[target][key] += values[key]
    totals.pooled = {key: pooled_result(sums[key]) if key in sums else None for key in (None, *keys)}
    return totals
