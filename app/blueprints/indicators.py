"""Indicator catalogue (admin), realisasi with intervals and capaian, and the consistency check.

Analysts and admins read; only admins change the catalogue, targets and
manual values. Every lookup goes through app.core.scoping, so another unit's
indicator is a 404.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from analysis.indicators import check_reported
from app.core import audit
from app.core.parsing import arg_int
from app.core.scoping import get_scoped_or_404, role_required, scoped
from app.extensions import db
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, Layanan, Unit
from app.models.indicator import SOURCES
from app.services import indicator_compute
from forms.indicators import CheckForm, IndicatorForm, ManualValueForm, TargetForm, parse_pooled

bp = Blueprint("indicators", __name__, url_prefix="/indikator", cli_group=None)
FIELDS = ("unit_id", "code", "name", "kind", "polarity", "source", "ci_method", "use_fpc", "pendamping_type",
          "income_program", "income_measure", "aggregate_method", "description", "active")


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
    indicators = db.session.scalars(scoped(Indicator).join(Indicator.unit).where(Indicator.active.is_(True))
                                    .order_by(Unit.code, Indicator.code)).all()
    results = [indicator_compute.compute(ind, year) for ind in indicators]
    return render_template("indicators/list.html", results=results, year=year, sources=SOURCES)


@bp.get("/<int:indicator_id>")
def detail(indicator_id: int):
    indicator = get_scoped_or_404(Indicator, indicator_id)
    year = _year()
    revision = request.args.get("revisi") or None
    result = indicator_compute.compute(indicator, year, revision=revision)
    return render_template("indicators/detail.html", r=result, year=year, sources=SOURCES,
                           target_form=TargetForm(year=year), value_form=ManualValueForm(year=year))


# ---- catalogue (admin) --------------------------------------------------------------------

def _fill_choices(form: IndicatorForm, indicator: Indicator) -> None:
    units = db.session.scalars(scoped(Unit).order_by(Unit.code))
    form.unit_id.choices = [(u.id, f"{u.code} — {u.name}") for u in units]
    form.layanan.choices = [(s.id, f"{s.unit.code} — {s.name}") for s in
                            db.session.scalars(scoped(Layanan).join(Layanan.unit).order_by(Unit.code, Layanan.name))]
    form.components.choices = [(i.id, f"{i.unit.code} {i.code} — {i.name}") for i in
                               db.session.scalars(scoped(Indicator).join(Indicator.unit).order_by(Unit.code,
                                                                                                 Indicator.code))
                               if i.id != indicator.id]


@bp.route("/baru", methods=["GET", "POST"])
@bp.route("/<int:indicator_id>/ubah", methods=["GET", "POST"])
@role_required("admin")
def edit(indicator_id: int | None = None):
    indicator = get_scoped_or_404(Indicator, indicator_id) if indicator_id else Indicator(
        unit_id=current_user.unit_id, active=True, use_fpc=True, ci_method="wilson")
    form = IndicatorForm(obj=indicator)
    _fill_choices(form, indicator)
    if request.method == "GET" and indicator.id:
        form.layanan.data = [s.id for s in indicator.layanan]
        form.components.data = [c.id for c in indicator.components]
    if form.validate_on_submit():
        clash = db.session.scalar(select(Indicator.id).where(
            Indicator.unit_id == form.unit_id.data, Indicator.code == form.code.data,
            Indicator.id != (indicator.id or 0)))
        if clash:
            form.code.errors.append("Kode sudah dipakai indikator lain di unit ini.")
        else:
            before = audit.snapshot(indicator) if indicator.id else None
            for name in FIELDS:
                value = getattr(form, name).data
                setattr(indicator, name, value if value != "" else None)
            if indicator.source != "aggregate":
                indicator.aggregate_method = None
            indicator.layanan = [get_scoped_or_404(Layanan, i) for i in form.layanan.data or []]
            indicator.components = [get_scoped_or_404(Indicator, i) for i in form.components.data or []]
            db.session.add(indicator)
            db.session.flush()
            audit.record("update" if before else "create", indicator, before=before, actor=current_user)
            db.session.commit()
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
    exists = db.session.scalar(select(IndicatorTarget).where(
        IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.year == form.year.data,
        IndicatorTarget.revision == form.revision.data.strip()))
    if exists is not None:
        form.revision.errors.append("Revisi dengan nama ini sudah ada untuk tahun itu; beri nama revisi baru.")
        return _detail_with_errors(indicator, target_form=form)
    target = IndicatorTarget(indicator_id=indicator.id, year=form.year.data, revision=form.revision.data.strip(),
                             effective_date=form.effective_date.data, value=float(form.value.data),
                             note=form.note.data or None)
    db.session.add(target)
    db.session.flush()
    audit.record("create", target, actor=current_user)
    db.session.commit()
    flash(f"Target {target.revision} {target.year} tersimpan; revisi sebelumnya tetap tercatat.", "success")
    return redirect(url_for("indicators.detail", indicator_id=indicator.id, year=target.year))


@bp.post("/<int:indicator_id>/nilai")
@role_required("admin")
def set_value(indicator_id: int):
    indicator = get_scoped_or_404(Indicator, indicator_id)
    form = ManualValueForm()
    if not form.validate_on_submit():
        return _detail_with_errors(indicator, value_form=form)
    row = db.session.scalar(select(IndicatorManualValue).where(
        IndicatorManualValue.indicator_id == indicator.id, IndicatorManualValue.year == form.year.data))
    before = audit.snapshot(row) if row else None
    row = row or IndicatorManualValue(indicator_id=indicator.id, year=form.year.data)
    row.value = float(form.value.data) if form.value.data is not None else None
    row.n, row.t, row.population, row.note = form.n.data, form.t.data, form.population.data, form.note.data
    db.session.add(row)
    db.session.flush()
    audit.record("update" if before else "create", row, before=before, actor=current_user)
    db.session.commit()
    flash("Nilai tersimpan.", "success")
    return redirect(url_for("indicators.detail", indicator_id=indicator.id, year=row.year))


def _detail_with_errors(indicator: Indicator, target_form=None, value_form=None):
    year = _year()
    result = indicator_compute.compute(indicator, year)
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
            findings = check_reported(
                n=d["n"], t=d["t"], population=d["population"], realisasi=d["realisasi"] or None,
                target=float(d["target"]) if d["target"] is not None else None, capaian=d["capaian"] or None,
                sample_share=d["sample_share"] or None, polarity=d["polarity"],
                pooled=parse_pooled(d["pooled"]) or None)
        except ValueError as err:
            error = f"Angka tidak dapat dibaca: {err}"
        else:
            recomputed = _recomputed(d)
    status = 400 if form.errors or error else 200
    return render_template("indicators/check.html", form=form, findings=findings, recomputed=recomputed,
                           error=error), status


def _recomputed(d: dict) -> dict:
    from analysis.indicators import capaian

    values = {}
    if d["n"] is not None and d["t"]:
        values["Realisasi n/t (%)"] = d["n"] / d["t"] * 100
    if d["t"] and d["population"]:
        values["Sampel / populasi (%)"] = d["t"] / d["population"] * 100
    base = values.get("Realisasi n/t (%)")
    if base is not None and d["target"] is not None and d["target"] > 0:
        values["Capaian dari n/t (%)"] = capaian(base, float(d["target"]), d["polarity"])
    pairs = parse_pooled(d["pooled"])
    if pairs and sum(b for _a, b in pairs):
        values["Nilai gabungan Σ pembilang / Σ penyebut (%)"] = (sum(a for a, _b in pairs)
                                                              / sum(b for _a, b in pairs) * 100)
    return values
