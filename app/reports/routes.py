"""Analyst dashboard and IKM reports (HTML, PDF, CSV, XLSX, JSON), scoped to the user's unit subtree.

Analysts and admins only; monitors get 403. The unit and layanan in the query
string are resolved once by app.reports.scope against the user's subtree, so
another unit's report is a 404 whatever the URL says. Downloads build no
choice lists: the filter form is only parsed, never shown.
"""
from __future__ import annotations

import tempfile

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from analysis.ikm import UNSUR
from analysis.rounding import format_id
from app.core.errors import error_response
from app.core.links import with_query
from app.core.local_time import datetime_id
from app.core.parsing import arg_int
from app.core.periods import current_period, parse_period
from app.core.scoping import get_scoped_or_404, role_required
from app.core.transaction import commit
from app.models import Layanan
from app.reports import dashboard as dashboard_data
from app.reports import downloads, export_jobs, populations, scope, svg_charts
from app.reports.respondents import PROFILE_LABELS
from app.reports.rollup import IkmReport
from forms.reports import PopulationForm, ReportFilterForm

bp = Blueprint("reports", __name__, url_prefix="/laporan")


@bp.app_template_filter("id_num")
def id_num(value, places: int = 2) -> str:
    """A number the Indonesian way (12.001 ; 78,15), rounded half-up for display only."""
    return "—" if value is None else format_id(value, places)


@bp.before_request
@role_required("analyst", "admin")
def _analysts_only():
    return None


def _filter_form(choices: scope.FilterChoices | None = None) -> ReportFilterForm:
    """The filter as the query string gives it; without `choices` its lists stay empty and unchecked
    (app.reports.scope checks the ids against the user's scope instead)."""
    args = request.args.copy()
    if not args.get("period"):
        args["period"] = current_period(current_user.unit.timezone, "year").code
    form = ReportFilterForm(formdata=args)
    if choices is None:
        form.unit.validate_choice = form.layanan.validate_choice = False
    else:
        form.unit.choices, form.layanan.choices, form.region.choices = choices.units, choices.layanan, choices.regions
    if not args.get("unit"):
        form.unit.data = current_user.unit_id
    return form


def _resolve(form: ReportFilterForm) -> scope.ReportScope:
    """The scope the filter names: 404 for ids outside the user's subtree, BadFilter for the rest."""
    invalid = None if form.validate() else " ".join(e for errors in form.errors.values() for e in errors)
    try:
        return scope.resolve(current_user, unit_id=arg_int("unit", 0), layanan_id=arg_int("layanan", 0),
                             region_code=form.region.data, invalid=invalid)
    except scope.OutOfScope:
        abort(404)


@bp.get("/")
def dashboard():
    form = _filter_form(scope.filter_choices(current_user))
    try:
        chosen = _resolve(form)
    except scope.BadFilter as err:
        return render_template("reports/dashboard.html", form=form, report=None, error=err.message), 400
    period = parse_period(form.period.data)
    page = dashboard_data.dashboard(current_user, chosen, period, bool(form.exclude_flagged.data))
    return render_template("reports/dashboard.html", form=form, report=page.report, followup=page.followup,
                           error=None, charts=_charts(page.report), unsur=UNSUR, export_url=_export_url,
                           profile_labels=PROFILE_LABELS, region_filtered=chosen.region is not None)


def _export_url(fmt: str) -> str:
    return with_query(url_for("reports.ikm_export", fmt=fmt), request.args)


def _charts(report: IkmReport) -> dict:
    charts = {}
    head = report.headline
    if head is not None:
        lowest = head.lowest_unsur
        items = [(f"{u.code} {u.name}", head.nrr.get(u.code)) for u in UNSUR]
        highlight = next((label for label, _v in items if label.startswith(f"{lowest} ")), None)
        charts["unsur"] = svg_charts.hbar_chart(items, low=1, high=4, highlight=highlight,
                                                title="NRR per unsur (skala 1–4)")
        charts["layanan"] = svg_charts.hbar_chart(
            [(line.name, line.result.score if line.result else None) for line in report.lines],
            low=25, high=100, title="IKM per layanan")
    if report.trend:
        charts["trend"] = svg_charts.line_chart([(p.period.code, p.score) for p in report.trend],
                                                title="Tren IKM")
    charts["profile"] = {
        key: svg_charts.hbar_chart([(label, float(n)) for label, n in rows], low=0,
                                   value_format=lambda v: f"{v:.0f}", title=PROFILE_LABELS[key])
        for key, rows in report.profile.items()
    }
    return charts


@bp.get("/ikm.<fmt>")
def ikm_export(fmt: str):
    if fmt not in downloads.FORMATS:
        abort(404)
    form = _filter_form()
    try:
        chosen = _resolve(form)
    except scope.BadFilter as err:
        return error_response(400, err.message)
    period, exclude_flagged = parse_period(form.period.data), bool(form.exclude_flagged.data)
    try:
        job = export_jobs.queue_if_large(current_user, chosen, period, fmt, exclude_flagged=exclude_flagged,
                                         threshold=current_app.config["EXPORT_QUEUE_THRESHOLD"],
                                         max_active=current_app.config["EXPORT_MAX_ACTIVE"])
    except export_jobs.TooManyJobs as err:
        return error_response(429, err.message)
    if job is not None:  # too large to stream inside a request: the worker writes it
        commit()
        return redirect(url_for("reports.export_job", job_id=job.id))
    result = downloads.download(chosen, period, fmt, exclude_flagged=exclude_flagged,
                                instance_path=current_app.instance_path)
    if result.document is not None:
        return jsonify(result.document)
    if result.write is not None:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after the response
        result.write(handle)
        handle.seek(0)
        return send_file(handle, as_attachment=True, download_name=result.filename, mimetype=result.mimetype)
    body = stream_with_context(result.text) if result.text is not None else result.content
    response = Response(body, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


# ---- large exports, written by the worker (app.reports.export_jobs) ---------------------------

@bp.get("/ekspor", endpoint="export_jobs")
def export_jobs_page():
    return render_template("reports/export_jobs.html", job=None, jobs=export_jobs.recent(current_user),
                           labels=export_jobs.STATUS_LABELS, when=datetime_id,
                           threshold=current_app.config["EXPORT_QUEUE_THRESHOLD"])


@bp.get("/ekspor/<int:job_id>", endpoint="export_job")
def export_job_page(job_id: int):
    job = export_jobs.get(job_id, current_user)
    return render_template("reports/export_jobs.html", job=job, jobs=export_jobs.recent(current_user),
                           labels=export_jobs.STATUS_LABELS, when=datetime_id,
                           keep_days=current_app.config["EXPORT_KEEP_DAYS"])


@bp.get("/ekspor/<int:job_id>/unduh", endpoint="export_job_file")
def export_job_file(job_id: int):
    found = export_jobs.file_for(job_id, current_user, current_app.instance_path)
    if found is None:
        abort(404)
    job, path = found
    return send_file(path, as_attachment=True, download_name=job.filename, mimetype=downloads.mimetype(job.format))


@bp.post("/ekspor/<int:job_id>/ulang", endpoint="export_job_retry")
def export_job_retry(job_id: int):
    try:
        export_jobs.retry(job_id, current_user, max_active=current_app.config["EXPORT_MAX_ACTIVE"])
    except (export_jobs.TooManyJobs, export_jobs.NotRetryable) as err:
        flash(err.message, "error")
        return redirect(url_for("reports.export_job", job_id=job_id))
    commit()
    flash("Ekspor diantrekan ulang.", "success")
    return redirect(url_for("reports.export_job", job_id=job_id))


# ---- service populations (admin) ----------------------------------------------------------

@bp.route("/populasi", methods=["GET", "POST"], endpoint="populations")
@role_required("admin")
def populations_page():
    form = PopulationForm()
    form.layanan_id.choices = populations.layanan_choices(current_user)
    if form.validate_on_submit():
        layanan = get_scoped_or_404(Layanan, form.layanan_id.data)
        period = parse_period(form.period.data)
        populations.save_population(layanan, period, form.population.data, form.note.data, actor=current_user)
        commit()
        flash(f"Populasi {layanan.name} untuk {period.label} tersimpan.", "success")
        return redirect(url_for("reports.populations"))
    status = 400 if form.errors else 200
    return render_template("reports/populations.html", form=form, rows=populations.entered(current_user)), status
