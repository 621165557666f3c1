"""Published SKM results (PermenPAN-RB 14/2017 requires units to publish them).

/hasil/<unit-code> covers the unit and its sub-units, published layanan only,
for the current year in the unit's own time zone. Aggregation happens in SQL
(app.services.skm_stats); the IKM rules live in analysis.ikm.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from analysis.ikm import grade, rollup
from analysis.rounding import round_half_up
from app.core.periods import current_period
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup import evidence_files
from app.followup import public as followup_public
from app.followup import triage as followup_triage
from app.models import Layanan, Unit
from app.services import ikm_inference
from app.services.ikm_report import populations
from app.services.sample_caution import sample_caution
from app.services.skm_stats import ikm_by_layanan

bp = Blueprint("public", __name__)


def _published(unit_code: str):
    """The unit named in the address, its current year, and its published layanan (404 when unknown)."""
    if len(unit_code) > 40:
        abort(404)
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper(), Unit.active))
    if unit is None:
        abort(404)
    period = current_period(unit.timezone, "year")
    layanan = db.session.scalars(
        select(Layanan).join(Layanan.unit)
        .where(Layanan.unit_id.in_(unit_subtree_ids(unit.id)), Layanan.published)
        .order_by(Unit.name, Layanan.name)
    ).all()
    return unit, period, layanan


def _followup_years(period) -> list[str]:
    # The follow-up of this year's and last year's results (an RTL for 2025 runs during 2026).
    return [str(period.year), str(period.year - 1)]


@bp.get("/hasil/<unit_code>/bukti/<int:action_id>")
def evidence(unit_code: str, action_id: int):
    """An evidence file, public only while its action is shown on the unit's public page."""
    unit, period, layanan = _published(unit_code)
    action = followup_public.public_action(list(db.session.scalars(unit_subtree_ids(unit.id))),
                                           [item.id for item in layanan], _followup_years(period), action_id)
    if action is None:
        abort(404)
    return evidence_files.send(action.evidence_file, current_app.instance_path) or abort(404)


@bp.get("/hasil/<unit_code>")
def results(unit_code: str):
    unit, period, layanan = _published(unit_code)
    results = ikm_by_layanan([item.id for item in layanan], period)
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
        # its interval is the roll-up's own, layanan as strata (app.services.ikm_inference).
        score = rollup([(r.score, r.n_respondents) for r in results.values()])
        mutu, kinerja = grade(score)
        n = sum(r.n_respondents for r in results.values())
        population = sum(pops.values()) if len(pops) == len(results) else None
        estimate = ikm_inference.ministry_estimate((r, pops.get(lid)) for lid, r in results.items())
        ci = estimate.interval() if estimate else None
        note = ikm_inference.caution(score, ci, n, population)
        overall = {"score": round_half_up(score, 2), "grade": mutu, "performance": kinerja, "n": n,
                   "ci": ci, "grade_label": note.grade_label, "caution": sample_caution(n, population)}
    followup = followup_public.public_followup(
        list(db.session.scalars(unit_subtree_ids(unit.id))), [item.id for item in layanan],
        _followup_years(period), unit.timezone)
    kritik = followup_triage.theme_counts([item.id for item in layanan], period, public=True)
    return render_template("public/results.html", unit=unit, period=period, layanan=layanan,
                           results=results, overall=overall, cautions=cautions, followup=followup, kritik=kritik)
