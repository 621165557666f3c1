"""Indicator catalogue (admin), realisasi with intervals and capaian, and the consistency check.

Analysts and admins read; only admins change the catalogue, targets and
manual values. Every lookup goes through app.core.scoping, so another unit's
indicator is a 404. Each view parses the form, calls one service of this
package and commits.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core import transaction
from app.core.parsing import arg_int
from app.core.scoping import get_scoped_or_404, role_required
from app.indicators import catalogue, compute, consistency, targets
from app.models import Indicator
from app.models.indicator import SOURCES
from forms.indicators import CheckForm, IndicatorForm, ManualValueForm, TargetForm, parse_pooled

bp = Blueprint("indicators", __name__, url_prefix="/indikator")


@bp.before_request
@role_required("analyst", "admin")
def _analysts_only():
    return None


def _year() -> int:
    year = arg_int("year", 2000, 2100, strict=True)
    return datetime.now(UTC).year if year is None else year


@bp.get("/")
def index():
    year = _year()
    results = compute.visible_realisasi(current_user, year)
    return render_template("indicators/list.html", results=results, year=year, sources=SOURCES)


@bp.get("/<int:indicator_id>")
def detail(indicator_id: int):
    indicator = get_scoped_or_404(Indicator, indicator_id)
    year = _year()
    revision = request.args.get("revisi") or None
    result = compute.compute(indicator, year, revision=revision)
    return render_template("indicators/detail.html", r=result, year=year, sources=SOURCES,
                           target_form=TargetForm(year=year), value_form=ManualValueForm(year=year))


# ---- catalogue (admin) --------------------------------------------------------------------

def _fill_choices(form: IndicatorForm, indicator: Indicator) -> None:
    choices = catalogue.choices(current_user, indicator.id)
    form.unit_id.choices = choices.units
    form.layanan.choices = choices.layanan
    form.components.choices = choices.components


@bp.route("/baru", methods=["GET", "POST"])
@bp.route("/<int:indicator_id>/ubah", methods=["GET", "POST"])
@role_required("admin")
def edit(indicator_id: int | None = None):
    indicator = (get_scoped_or_404(Indicator, indicator_id) if indicator_id
                 else catalogue.new_indicator(current_user.unit_id))
    form = IndicatorForm(obj=indicator)
    _fill_choices(form, indicator)
    if request.method == "GET" and indicator.id:
        form.layanan.data = [s.id for s in indicator.layanan]
        form.components.data = [c.id for c in indicator.components]
    if form.validate_on_submit():
        try:
            catalogue.save(indicator, {name: getattr(form, name).data for name in catalogue.FIELDS},
                           form.layanan.data or [], form.components.data or [], actor=current_user)
        except catalogue.CodeTaken as err:
            form.code.errors.append(str(err))
        else:
            transaction.commit()
            flash("Indikator tersimpan.", "success")
            return redirect(url_for("indicators.detail", indicator_id=indicator.id))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Indikator", back=url_for("indicators.index")), status


@bp.post("/<int:indicator_id>/target")
@role_required("admin")
def add_target(indicator_id: int):
    indicator = get_scoped_or_404(Indicator, indicator_id)
    form = TargetForm()
    if not form.validate_on_submit():
        return _detail_with_errors(indicator, target_form=form)
    try:
        target = targets.add_target(indicator, year=form.year.data, revision=form.revision.data,
                                    effective_date=form.effective_date.data, value=form.value.data,
                                    note=form.note.data, actor=current_user)
    except targets.RevisionTaken as err:
        form.revision.errors.append(str(err))
        return _detail_with_errors(indicator, target_form=form)
    transaction.commit()
    flash(f"Target {target.revision} {target.year} tersimpan; revisi sebelumnya tetap tercatat.", "success")
    return redirect(url_for("indicators.detail", indicator_id=indicator.id, year=target.year))


@bp.post("/<int:indicator_id>/nilai")
@role_required("admin")
def set_value(indicator_id: int):
    indicator = get_scoped_or_404(Indicator, indicator_id)
    form = ManualValueForm()
    if not form.validate_on_submit():
        return _detail_with_errors(indicator, value_form=form)
    row = targets.set_manual_value(indicator, year=form.year.data, value=form.value.data, n=form.n.data,
                                   t=form.t.data, population=form.population.data, note=form.note.data,
                                   actor=current_user)
    transaction.commit()
    flash("Nilai tersimpan.", "success")
    return redirect(url_for("indicators.detail", indicator_id=indicator.id, year=row.year))


def _detail_with_errors(indicator: Indicator, target_form=None, value_form=None):
    year = _year()
    result = compute.compute(indicator, year)
    return render_template("indicators/detail.html", r=result, year=year, sources=SOURCES,
                           target_form=target_form or TargetForm(year=year),
                           value_form=value_form or ManualValueForm(year=year)), 400


# ---- consistency check ------------------------------------------------------------------------

@bp.route("/cek", methods=["GET", "POST"])
def check():
    form = CheckForm()
    findings = None
    recomputed = {}
    error = None
    if form.validate_on_submit():
        d = form.data
        try:
            findings, recomputed = consistency.check(
                n=d["n"], t=d["t"], population=d["population"], realisasi=d["realisasi"] or None,
                target=float(d["target"]) if d["target"] is not None else None, capaian_text=d["capaian"] or None,
                sample_share=d["sample_share"] or None, polarity=d["polarity"], pooled=parse_pooled(d["pooled"]))
        except ValueError as err:
            error = f"Angka tidak dapat dibaca: {err}"
    status = 400 if form.errors or error else 200
    return render_template("indicators/check.html", form=form, findings=findings, recomputed=recomputed,
                           error=error), status
