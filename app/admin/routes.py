"""Admin pages for units, layanan and users: list, create, edit, deactivate.

Every lookup goes through the scoping helpers, so an admin of one unit cannot
read or change another unit's records, even by editing ids in the URL or form.
The rules and the writes live in app.admin.units, .layanan, .users and .records;
these views parse the forms, call one of them and commit.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import layanan as layanan_service
from app.admin import records
from app.admin import units as unit_service
from app.admin import users as user_service
from app.core import paging, sessions, transaction
from app.core.scoping import get_scoped_or_404, role_required
from app.models import Layanan, Unit, User
from app.reports import unit_logo
from forms.admin import ConfirmForm, LayananForm, UnitForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50
NO_REGION = layanan_service.NO_REGION
NO_UNIT = 0  # the "pilih unit" placeholder: a new user's unit is always chosen, never defaulted
UNIT_FIELDS = ("code", "name", "level", "timezone", "active", "report_place", "head_title", "head_name", "head_nip")


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


def _refused(form, invalid: records.Invalid) -> None:
    """Show a refusal from the write path under the field it names."""
    form[invalid.field].errors = [*form[invalid.field].errors, invalid.message]


# ---- units ---------------------------------------------------------------

@bp.get("/units")
def units():
    page = paging.paginate(unit_service.list_query(current_user, paging.search_text()), PAGE_SIZE)
    return render_template("admin/units.html", units=page.rows, page=page, confirm=ConfirmForm())


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int | None = None):
    unit = get_scoped_or_404(Unit, unit_id) if unit_id else unit_service.new_unit(current_user)
    form = UnitForm(obj=unit)
    if not unit.logo_file:
        del form.remove_logo
    own_root = unit_service.is_own_root(unit, current_user)
    if own_root:  # the admin's own root stays where it is: moving it would move their scope
        del form.parent_id
    else:
        form.parent_id.choices = unit_service.parent_choices(unit, current_user)
    if form.validate_on_submit():
        values = unit_service.UnitValues(
            **{name: getattr(form, name).data for name in UNIT_FIELDS},
            parent_id=None if own_root else form.parent_id.data, logo=_uploaded_logo(form),
            remove_logo=form.remove_logo is not None and form.remove_logo.data)
        try:
            stale_logo = unit_service.save(unit, values, actor=current_user, instance_path=current_app.instance_path)
        except records.Invalid as invalid:
            _refused(form, invalid)
        else:
            transaction.commit()
            unit_logo.remove(stale_logo, current_app.instance_path)  # only once the unit no longer names it
            flash("Unit tersimpan.", "success")
            return redirect(url_for("admin.units"))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Unit", back=url_for("admin.units")), status


def _uploaded_logo(form: UnitForm) -> bytes | None:
    """The bytes of a newly chosen logo (one byte over the limit at most), or None."""
    upload = form.logo.data
    if upload is not None and getattr(upload, "filename", ""):
        return upload.read(unit_logo.MAX_BYTES + 1)
    return None


@bp.route("/units/<int:unit_id>/deactivate", methods=["GET", "POST"])
def unit_deactivate(unit_id: int):
    unit = get_scoped_or_404(Unit, unit_id)
    return _deactivate(unit, "admin.units", "Unit dinonaktifkan.", f"unit {unit.code} — {unit.name}")


@bp.post("/units/<int:unit_id>/activate")
def unit_activate(unit_id: int):
    return _activate(get_scoped_or_404(Unit, unit_id), "admin.units", "Unit diaktifkan kembali.")


# ---- layanan -------------------------------------------------------------

@bp.get("/layanan")
def layanan_list():
    page = paging.paginate(layanan_service.list_query(current_user, paging.search_text()), PAGE_SIZE)
    return render_template("admin/layanan.html", rows=page.rows, page=page, confirm=ConfirmForm())


@bp.route("/layanan/new", methods=["GET", "POST"])
@bp.route("/layanan/<int:layanan_id>", methods=["GET", "POST"])
def layanan_edit(layanan_id: int | None = None):
    layanan = get_scoped_or_404(Layanan, layanan_id) if layanan_id else layanan_service.new_layanan()
    form = LayananForm(obj=layanan)
    if form.region_id.data is None:  # no region yet and none posted: the "semua wilayah" choice
        form.region_id.data = NO_REGION
    form.unit_id.choices = unit_service.choices(current_user)
    form.region_id.choices = layanan_service.region_choices()
    if form.validate_on_submit():
        values = layanan_service.LayananValues(
            name=form.name.data, slug=form.slug.data, unit_id=form.unit_id.data, active=form.active.data,
            published=form.published.data, region_id=form.region_id.data or None)
        try:
            layanan_service.save(layanan, values, actor=current_user)
        except records.Invalid as invalid:
            _refused(form, invalid)
        else:
            transaction.commit()
            flash("Layanan tersimpan.", "success")
            return redirect(url_for("admin.layanan_list"))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Layanan", back=url_for("admin.layanan_list")), status


@bp.route("/layanan/<int:layanan_id>/deactivate", methods=["GET", "POST"])
def layanan_deactivate(layanan_id: int):
    layanan = get_scoped_or_404(Layanan, layanan_id)
    return _deactivate(layanan, "admin.layanan_list", "Layanan dinonaktifkan.", f"layanan {layanan.name}")


@bp.post("/layanan/<int:layanan_id>/activate")
def layanan_activate(layanan_id: int):
    return _activate(get_scoped_or_404(Layanan, layanan_id), "admin.layanan_list", "Layanan diaktifkan kembali.")


# ---- users ---------------------------------------------------------------

@bp.get("/users")
def users():
    page = paging.paginate(user_service.list_query(current_user, paging.search_text()), PAGE_SIZE)
    return render_template("admin/users.html", rows=page.rows, page=page, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int | None = None):
    user = get_scoped_or_404(User, user_id) if user_id else user_service.new_user()
    form = UserForm(obj=user, region_id=user.region_id or NO_REGION)
    form.unit_id.choices = [(NO_UNIT, "— pilih unit —")] + unit_service.choices(current_user)
    form.region_id.choices = layanan_service.region_choices()
    if user.unit_id is None and form.unit_id.data is None:
        form.unit_id.data = NO_UNIT
    if form.validate_on_submit():
        values = user_service.UserValues(
            email=form.email.data, name=form.name.data, role=form.role.data, unit_id=form.unit_id.data,
            region_id=form.region_id.data or None, active=form.active.data, password=form.password.data)
        try:
            user_service.save(user, values, actor=current_user)
        except records.Invalid as invalid:
            _refused(form, invalid)
        else:
            transaction.commit()
            if form.password.data and user.id == current_user.id:
                sessions.restart(user)  # an admin who sets their own password stays signed in here
            flash("Pengguna tersimpan.", "success")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Pengguna", back=url_for("admin.users")), status


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
def user_deactivate(user_id: int):
    user = get_scoped_or_404(User, user_id)
    return _deactivate(user, "admin.users", "Pengguna dinonaktifkan.", f"akun {user.email}")


@bp.post("/users/<int:user_id>/activate")
def user_activate(user_id: int):
    """A way back from "Nonaktifkan"; the account's old sessions stay ended, it logs in afresh."""
    return _activate(get_scoped_or_404(User, user_id), "admin.users", "Pengguna diaktifkan kembali.")


@bp.post("/users/<int:user_id>/end-sessions")
def user_end_sessions(user_id: int):
    """"Log out everywhere" for another account, e.g. when a monitor's phone is lost."""
    user = get_scoped_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    user_service.end_sessions(user, actor=current_user)
    transaction.commit()
    flash(f"Semua sesi {user.email} telah diakhiri.", "success")
    return redirect(url_for("admin.users"))


def _deactivate(obj, endpoint: str, message: str, what: str):
    """GET asks first (a page with "Ya, nonaktifkan" and "Batal", no JavaScript needed); POST does it.
    One's own unit or account is refused before either."""
    refusal = records.deactivation_refused(obj, actor=current_user)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for(endpoint))
    form = ConfirmForm()
    if request.method == "GET":
        return render_template("admin/confirm_deactivate.html", what=what, form=form, back=url_for(endpoint))
    if not form.validate_on_submit():
        return redirect(url_for(endpoint))
    records.deactivate(obj, actor=current_user)
    transaction.commit()
    flash(message, "success")
    return redirect(url_for(endpoint))


def _activate(obj, endpoint: str, message: str):
    if ConfirmForm().validate_on_submit() and records.activate(obj, actor=current_user):
        transaction.commit()
        flash(message, "success")
    return redirect(url_for(endpoint))
