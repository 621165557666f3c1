"""Admin pages around the survey: respondent categories and QR posters.

Categories are shared by every unit's survey, so only admins of a top-level
unit (no parent) may change them (app.core.reference_authority). Posters are per layanan and scoped like the
layanan themselves.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from app.core import reference_authority, transaction
from app.core.scoping import get_scoped_or_404, role_required
from app.models import Layanan, RespondentCategory, Unit
from app.skm import categories as category_service
from app.skm import layanan as layanan_service
from app.skm import qr_poster
from forms.admin import ConfirmForm
from forms.skm import RespondentCategoryForm

bp = Blueprint("skm_admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


def survey_url(layanan: Layanan) -> str:
    """The short public link printed on posters.

    PUBLIC_BASE_URL when set (the address respondents use may differ from the admin's);
    otherwise the host and port this request came in on, so `make run PORT=5077` prints
    working links (behind a proxy, TRUSTED_PROXY_COUNT makes that the public host).
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return f"{base.rstrip('/')}/s/{layanan.slug}"
    return url_for("skm.form", slug=layanan.slug, _external=True)


# ---- respondent categories -------------------------------------------------------

@bp.get("/kategori-responden")
def categories():
    editable = reference_authority.may_change(current_user)
    return render_template("skm/admin_categories.html", rows=category_service.in_order(), editable=editable,
                           confirm=ConfirmForm())


def _category_or_404(category_id: int) -> RespondentCategory:
    category = category_service.get(category_id)
    if category is None:
        abort(404)
    return category


@bp.route("/kategori-responden/new", methods=["GET", "POST"])
@bp.route("/kategori-responden/<int:category_id>", methods=["GET", "POST"])
def category_edit(category_id: int | None = None):
    reference_authority.require()
    category = _category_or_404(category_id) if category_id else RespondentCategory(active=True)
    form = RespondentCategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            category_service.save(category, code=form.code.data, name=form.name.data,
                                  sort_order=form.sort_order.data, active=form.active.data, actor=current_user)
        except category_service.CodeTaken as err:
            form.code.errors.append(str(err))
        else:
            transaction.commit()
            flash("Kategori responden tersimpan.", "success")
            return redirect(url_for("skm_admin.categories"))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Kategori responden",
                           back=url_for("skm_admin.categories")), status


@bp.post("/kategori-responden/<int:category_id>/deactivate")
def category_deactivate(category_id: int):
    reference_authority.require()
    category = _category_or_404(category_id)
    if ConfirmForm().validate_on_submit():
        category_service.deactivate(category, actor=current_user)
        transaction.commit()
        flash("Kategori dinonaktifkan; jawaban lama tetap menyimpannya.", "success")
    return redirect(url_for("skm_admin.categories"))


# ---- QR posters ------------------------------------------------------------------

@bp.get("/poster")
def posters():
    rows = layanan_service.visible_to(current_user)
    units = layanan_service.active_units_visible_to(current_user)
    return render_template("skm/admin_posters.html", rows=[(row, survey_url(row)) for row in rows], units=units)


@bp.get("/unit/<int:unit_id>/poster.pdf")
def unit_posters_pdf(unit_id: int):
    """Every active layanan of the unit and its sub-units, one poster page each, in one PDF to print."""
    unit = get_scoped_or_404(Unit, unit_id, current_user)  # its subtree then lies inside the admin's scope too
    rows = layanan_service.active_in_unit_tree(unit.id)
    if not rows:
        flash(f"Belum ada layanan aktif di {unit.name} dan sub-unitnya; tidak ada poster untuk dicetak.", "error")
        return redirect(url_for("skm_admin.posters"))
    pdf = qr_poster.posters_pdf([(row.unit.name, row.name, survey_url(row)) for row in rows],
                                title=f"Poster Survei Kepuasan Masyarakat — {unit.name}")
    return _download(pdf, "application/pdf", f"poster-skm-{unit.code.lower()}.pdf")


def _download(body, mimetype: str, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/layanan/<int:layanan_id>/poster.pdf")
def poster_pdf(layanan_id: int):
    layanan = get_scoped_or_404(Layanan, layanan_id, current_user)
    pdf = qr_poster.poster_pdf(layanan.unit.name, layanan.name, survey_url(layanan))
    return _download(pdf, "application/pdf", f"poster-skm-{layanan.slug}.pdf")


@bp.get("/layanan/<int:layanan_id>/qr.png")
def qr_png(layanan_id: int):
    layanan = get_scoped_or_404(Layanan, layanan_id, current_user)
    return _download(qr_poster.qr_png(survey_url(layanan)), "image/png", f"qr-skm-{layanan.slug}.png")


@bp.get("/layanan/<int:layanan_id>/qr.svg")
def qr_svg(layanan_id: int):
    layanan = get_scoped_or_404(Layanan, layanan_id, current_user)
    return _download(qr_poster.qr_svg(survey_url(layanan)), "image/svg+xml", f"qr-skm-{layanan.slug}.svg")
