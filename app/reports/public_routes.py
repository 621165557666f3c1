"""Published SKM results: /hasil/<unit-code> and the evidence files its follow-up section links.

Public (no login). What the page shows is gathered by app.reports.public_results;
the first serve of a period's results is stored (its publication date), so the
page commits.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from app.core.transaction import commit
from app.followup import evidence_files
from app.reports import public_results

bp = Blueprint("reports_public", __name__)


@bp.get("/hasil/<unit_code>/bukti/<int:action_id>")
def evidence(unit_code: str, action_id: int):
    """An evidence file, public only while its action is shown on the unit's public page."""
    action = public_results.evidence_action(unit_code, action_id)
    if action is None:
        abort(404)
    return evidence_files.send(action.evidence_file, current_app.instance_path) or abort(404)


@bp.get("/hasil/<unit_code>")
def results(unit_code: str):
    page = public_results.results_page(unit_code)
    if page is None:
        abort(404)
    commit()
    return render_template("reports/public_results.html", **page)
