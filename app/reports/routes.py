"""Analyst dashboard and IKM reports (HTML, PDF, CSV, XLSX, JSON), scoped to the user's unit subtree.

Analysts and admins only; monitors get 403. The unit and layanan in the query
string are looked up through app.core.scoping, so another unit's report is a 404
whatever the URL says.
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
from sqlalchemy import select

from analysis.ikm import UNSUR
from analysis.rounding import format_id
from app.core import audit
from app.core.errors import error_response
from app.core.links import with_query
from app.core.parsing import arg_int
from app.core.periods import current_period, parse_period
from app.core.scoping import get_scoped_or_404, role_required, scoped, unit_subtree_ids
from app.extensions import db
from app.models import Layanan, Region, ServicePopulation, Unit
from app.reports import exports, pdf_report, svg_charts, unit_logo
from app.reports import ikm as ikm_report
from app.reports import workbook as report_workbook
from forms.reports import ALL, PopulationForm, ReportFilterForm

bp = Blueprint("reports", __name__, url_prefix="/laporan")
FORMATS = ("pdf", "laporan-skm", *exports.CSV_FORMATS, "xlsx", "json")


@bp.app_template_filter("id_num")
def id_num(value, places: int = 2) -> str:
    """A number the Indonesian way (12.001 ; 78,15), rounded half-up for display only."""
    return "—" if value is None else format_id(value, places)


@bp.before_request
@role_required("analyst", "admin")
def _analysts_only():
    return None


class BadFilter(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _filter_form() -> ReportFilterForm:
    args = request.args.copy()
    if not args.get("period"):
        args["period"] = current_period(current_user.unit.timezone, "year").code
    form = ReportFilterForm(formdata=args)
    units = db.session.scalars(scoped(Unit).order_by(Unit.code)).all()
    form.unit.choices = [(u.id, f"{u.code} — {u.name}") for u in units]
    form.layanan.choices = [(ALL, "— semua layanan —")] + [
        (s.id, s.name) for s in db.session.scalars(scoped(Layanan).order_by(Layanan.name))]
    form.region.choices = [("", "— semua wilayah —")] + [
        (r.code, f"{r.code} {r.name}") for r in db.session.scalars(select(Region).order_by(Region.code))]
    if not args.get("unit"):
        form.unit.data = current_user.unit_id
    return form


def lookup_region(code: str | None) -> Region | None:
    """The region with this BPS code, None for no filter; BadFilter for an unknown code."""
    code = (code or "").strip()
    if not code:
        return None
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise BadFilter(f"Wilayah dengan kode '{code[:20]}' tidak ditemukan.")
    return region


def _resolve(form: ReportFilterForm):
    """(unit, layanan, period, exclude_flagged, region) from the filter, each checked against the user's scope."""
    if not form.validate():
        raise BadFilter(" ".join(e for errors in form.errors.values() for e in errors))
    unit = get_scoped_or_404(Unit, form.unit.data)
    layanan = None
    if form.layanan.data and form.layanan.data != ALL:
        layanan = get_scoped_or_404(Layanan, form.layanan.data)
        if layanan.unit_id not in set(db.session.scalars(unit_subtree_ids(unit.id))):
            abort(404)
        unit = layanan.unit
    region = lookup_region(form.region.data)
    return unit, layanan, parse_period(form.period.data), bool(form.exclude_flagged.data), region


def _check_raw_ids() -> None:
    # Ids outside the user's scope are not among the choices; answer 404 for them, like any other lookup.
    for name, model in (("unit", Unit), ("layanan", Layanan)):
        object_id = arg_int(name, 0)
        if object_id is not None and object_id != ALL:
            get_scoped_or_404(model, object_id)


@bp.get("/")
def dashboard():
    form = _filter_form()
    _check_raw_ids()
    try:
        unit, layanan, period, exclude, region = _resolve(form)
    except BadFilter as err:
        return render_template("reports/dashboard.html", form=form, report=None, error=err.message), 400
    report = ikm_report.build_report(unit, period, layanan, exclude, kritik_limit=20, region=region)
    return render_template("reports/dashboard.html", form=form, report=report, error=None,
                           charts=_charts(report), unsur=UNSUR, export_url=_export_url,
                           profile_labels=ikm_report.PROFILE_LABELS)


def _export_url(fmt: str) -> str:
    return with_query(url_for("reports.ikm_export", fmt=fmt), request.args)


def _charts(report: ikm_report.IkmReport) -> dict:
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
                                   value_format=lambda v: f"{v:.0f}", title=ikm_report.PROFILE_LABELS[key])
        for key, rows in report.profile.items()
    }
    return charts


@bp.get("/ikm.<fmt>")
def ikm_export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    form = _filter_form()
    _check_raw_ids()
    try:
        unit, layanan, period, exclude, region = _resolve(form)
    except BadFilter as err:
        return error_response(400, err.message)
    scope = "-".join([layanan.slug if layanan else unit.code, *([region.code] if region else []), period.code]).lower()
    name = f"ikm-{scope}"
    if fmt in exports.CSV_FORMATS:
        ids = ikm_report.report_layanan_ids(unit, layanan, region)
        chunks = exports.response_csv_chunks(ids, period, exclude, fmt)
        response = Response(stream_with_context(chunks), mimetype="text/csv")
        suffix = exports.CSV_FORMATS[fmt].suffix
        response.headers["Content-Disposition"] = f'attachment; filename="{name}{suffix}.csv"'
        return response
    report = ikm_report.build_report(unit, period, layanan, exclude, region=region)
    if fmt == "json":
        return jsonify(ikm_report.report_json(report))
    if fmt in pdf_report.RENDERERS:
        logo = unit_logo.path_for(report.unit.logo_file, current_app.instance_path)
        response = Response(pdf_report.RENDERERS[fmt](report, logo_path=logo), mimetype="application/pdf")
        file_name = name if fmt == "pdf" else f"laporan-hasil-skm-{scope}"
        response.headers["Content-Disposition"] = f'attachment; filename="{file_name}.pdf"'
        return response
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after the response
    report_workbook.write_report_xlsx(report, handle)
    handle.seek(0)
    return send_file(handle, as_attachment=True, download_name=f"{name}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---- service populations (admin) ----------------------------------------------------------

@bp.route("/populasi", methods=["GET", "POST"])
@role_required("admin")
def populations():
    form = PopulationForm()
    form.layanan_id.choices = [(s.id, f"{s.unit.code} — {s.name}")
                               for s in db.session.scalars(scoped(Layanan).join(Layanan.unit)
                                                           .order_by(Unit.code, Layanan.name))]
    if form.validate_on_submit():
        layanan = get_scoped_or_404(Layanan, form.layanan_id.data)
        period = parse_period(form.period.data)
        row = db.session.scalar(select(ServicePopulation).where(
            ServicePopulation.layanan_id == layanan.id, ServicePopulation.period == period.code))
        before = audit.snapshot(row) if row else None
        row = row or ServicePopulation(layanan_id=layanan.id, period=period.code)
        row.population = form.population.data
        row.note = form.note.data or None
        db.session.add(row)
        db.session.flush()
        audit.record("update" if before else "create", row, before=before, actor=current_user)
        db.session.commit()
        flash(f"Populasi {layanan.name} untuk {period.label} tersimpan.", "success")
        return redirect(url_for("reports.populations"))
    rows = db.session.scalars(scoped(ServicePopulation).order_by(ServicePopulation.period.desc())).all()
    status = 400 if form.errors else 200
    return render_template("reports/populations.html", form=form, rows=rows), status
