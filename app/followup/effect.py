"""Did the follow-up help? Each acted-on unsur's NRR in the RTL's period and in the next one, compared.

The RTL page shows, for every unsur with a (not cancelled) action in the
period, the respondent-weighted NRR of the page's layanan in that period
("sebelum") and in the next period of the same kind ("sesudah"). When the
next period has answers, the difference comes with its interval and p-value
(app.reports.ikm_inference: independent samples, Welch df), so a change
within sampling noise is not read as an effect. Read from the trigger-kept
summary (skm_stats), never from the responses.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from analysis.comparison import Difference, compare
from analysis.estimate import Estimate
from app.core.periods import Period
from app.extensions import db
from app.followup.rtl import UNSUR_NAMES
from app.models import RtlAction
from app.reports import ikm_inference
from app.reports.populations import populations
from app.skm import summary as skm_stats


@dataclass(frozen=True)
class UnsurEffect:
    unsur: str
    name: str
    before: Estimate | None
    after: Estimate | None
    difference: Difference | None  # after - before; None until both periods have answers


def acted_unsur(unit_ids: list[int], period_code: str, layanan_id: int | None = None) -> list[str]:
    stmt = select(RtlAction.unsur).distinct().where(RtlAction.unit_id.in_(unit_ids), RtlAction.period == period_code,
                                                   RtlAction.status != "dibatalkan")
    if layanan_id is not None:
        stmt = stmt.where(RtlAction.layanan_id == layanan_id)
    return sorted(db.session.scalars(stmt))


def _unsur_nrr(layanan_ids: list[int], period: Period) -> dict[str, Estimate]:
    results = skm_stats.ikm_by_layanan(layanan_ids, period)
    pops = populations(list(results), period)
    return ikm_inference.unsur_estimates([(r, pops.get(lid)) for lid, r in results.items()])


def effects(layanan_ids: list[int], period: Period, unsur_codes: list[str]) -> tuple[Period, list[UnsurEffect]]:
    """(the next period, one UnsurEffect per code) for the given layanan."""
    after_period = period.shifted(1)
    if not unsur_codes or not layanan_ids:
        return after_period, []
    before, after = _unsur_nrr(layanan_ids, period), _unsur_nrr(layanan_ids, after_period)
    out = []
    for code in unsur_codes:
        b, a = before.get(code), after.get(code)
        out.append(UnsurEffect(code, UNSUR_NAMES.get(code, code), b, a,
                               compare(a, b, ikm_inference.CI_LEVEL) if a is not None and b is not None else None))
    return after_period, out
