"""What /hasil/<unit-code> publishes (PermenPAN-RB 14/2017 requires units to publish their SKM results).

The page covers the unit and its sub-units, published layanan only, for the
current year in the unit's own time zone. Aggregation happens in SQL
(app.skm.summary); the IKM rules live in analysis.ikm. Serving the page with
results is their publication: the first serve of each period is stored
(app.followup.publication.record_results_shown) for the publication log, so
the route commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from analysis.ikm import grade, rollup
from analysis.rounding import round_half_up
from app.core.local_time import now_utc
from app.core.periods import Period, current_period
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup import public as followup_public
from app.followup import publication as followup_publication
from app.followup import triage as followup_triage
from app.models import Layanan, Unit
from app.reports import ikm_inference
from app.reports.populations import populations
from app.reports.sample_caution import sample_caution
from app.skm.summary import ikm_by_layanan


@dataclass
class Published:
    unit: Unit
    period: Period
    layanan: list[Layanan]

    @property
    def layanan_ids(self) -> list[int]:
        return [item.id for item in self.layanan]

    @property
    def followup_years(self) -> list[str]:
        # The follow-up of this year's and last year's results (an RTL for 2025 runs during 2026).
        return [str(self.period.year), str(self.period.year - 1)]

    def unit_ids(self) -> list[int]:
        return list(db.session.scalars(unit_subtree_ids(self.unit.id)))


def published(unit_code: str) -> Published | None:
    """The active unit named in the address, its current year, and its published layanan (None when unknown)."""
    if len(unit_code) > 40:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper(), Unit.active))
    if unit is None:
        return None
    layanan = db.session.scalars(
        select(Layanan).join(Layanan.unit)
        .where(Layanan.unit_id.in_(unit_subtree_ids(unit.id)), Layanan.published)
        .order_by(Unit.name, Layanan.name)
    ).all()
    return Published(unit, current_period(unit.timezone, "year"), list(layanan))


def evidence_action(unit_code: str, action_id: int):
    """The follow-up action whose evidence file may be served, only while the unit's public page shows it."""
    page = published(unit_code)
    if page is None:
        return None
    return followup_public.public_action(page.unit_ids(), page.layanan_ids, page.followup_years, action_id)


def results_page(unit_code: str) -> dict | None:
    """Everything the public results page shows, or None for an unknown unit."""
    page = published(unit_code)
    if page is None:
        return None
    period = page.period
    results = ikm_by_layanan(page.layanan_ids, period)
    pops = populations(list(results), period)
    overall = None
    cautions = {}
    for layanan_id, r in results.items():
        estimate = ikm_inference.line_estimate(r, pops.get(layanan_id))
        ci = estimate.interval() if estimate else None
        cautions[layanan_id] = {"ci": ci, **vars(ikm_inference.caution(r.score, ci, r.n_respondents,
                                                                       pops.get(layanan_id))),
                                "sample": sample_caution(r.n_respondents, pops.get(layanan_id))}
    if results:
        # Across layanan the ministry weights each IKM by its respondents (DOMAIN.md, roll-up);
        # its interval is the roll-up's own, layanan as strata (app.reports.ikm_inference).
        score = rollup([(r.score, r.n_respondents) for r in results.values()])
        mutu, kinerja = grade(score)
        n = sum(r.n_respondents for r in results.values())
        population = sum(pops.values()) if len(pops) == len(results) else None
        estimate = ikm_inference.ministry_estimate((r, pops.get(lid)) for lid, r in results.items())
        ci = estimate.interval() if estimate else None
        note = ikm_inference.caution(score, ci, n, population)
        overall = {"score": round_half_up(score, 2), "grade": mutu, "performance": kinerja, "n": n,
                   "ci": ci, "grade_label": note.grade_label, "caution": sample_caution(n, population)}
    followup = followup_public.public_followup(page.unit_ids(), page.layanan_ids, page.followup_years,
                                               page.unit.timezone)
    kritik = followup_triage.theme_counts(page.layanan_ids, period, public=True)
    if results:
        # The layanan whose results the page shows, with their respondents: what it published.
        shown = tuple(sorted((layanan_id, r.n_respondents) for layanan_id, r in results.items()))
        followup_publication.record_results_shown(page.unit.id, list(results), period,
                                                   now_utc().replace(tzinfo=None), shown=shown)
    return {"unit": page.unit, "period": period, "layanan": page.layanan, "results": results, "overall": overall,
            "cautions": cautions, "followup": followup, "kritik": kritik}
