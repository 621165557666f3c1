"""Admin pages for units, layanan and users: list, create, edit, deactivate.

Every lookup goes through the scoping helpers, so an admin of one unit cannot
read or change another unit's records, even by editing ids in the URL or form.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import sessions
from app.core import audit, paging
from app.core.scoping import get_scoped_or_404, role_required, scoped, unit_subtree_ids
from app.extensions import db
from app.models import Layanan, Region, Unit, User
from app.models.org import UNIT_LEVELS
from app.reports import unit_logo
from forms.admin import ConfirmForm, LayananForm, UnitForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50
NO_REGION = 0
NO_UNIT = 0  # the "pilih unit" placeholder: a new user's unit is always chosen, never defaulted


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


def _unit_choices() -> list[tuple[int, str]]:
    units = db.session.scalars(scoped(Unit).order_by(Unit.code)).all()
    return [(u.id, f"{u.code} — {u.name}") for u in units]


def _region_choices() -> list[tuple[int, str]]:
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    return [(NO_REGION, "— semua wilayah —")] + [(r.id, f"{r.code} {r.name}") for r in regions]


def _exists(model, column, value, exclude_id: int | None) -> bool:
    stmt = select(model.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return db.session.scalar(stmt) is not None


def _save(obj, form, fields, action: str, extra: dict | None = None):
    before = audit.snapshot(obj) if obj.id else None
    for field in fields:
        setattr(obj, field, getattr(form, field).data)
    for field, value in (extra or {}).items():
        setattr(obj, field, value)
    db.session.add(obj)
    db.session.flush()
    audit.record(action, obj, before=before, actor=current_user)
    db.session.commit()


# ---- units ---------------------------------------------------------------

@bp.get("/units")
def units():
    page = paging.paginate(paging.search(scoped(Unit).order_by(Unit.code), Unit.code, Unit.name), PAGE_SIZE)
    return render_template("admin/units.html", units=page.rows, page=page, confirm=ConfirmForm())


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int | None = None):
    if unit_id:
        unit = get_scoped_or_404(Unit, unit_id)
    else:  # a new unit hangs under the admin's own unit, one level down, in its time zone
        own = current_user.unit
        unit = Unit(active=True, timezone=own.timezone, parent_id=own.id, level=level_below(own.level))
    form = UnitForm(obj=unit)
    fields = ["code", "name", "level", "parent_id", "timezone", "active", "report_place", "head_title", "head_name",
              "head_nip"]
    if not unit.logo_file:
        del form.remove_logo
    if unit.id == current_user.unit_id:
        # The admin's own root stays where it is: moving it would move their scope.
        del form.parent_id
        fields.remove("parent_id")
    else:
        # A unit hangs only under a unit the admin manages, never inside its own subtree.
        own_tree = set(db.session.scalars(unit_subtree_ids(unit.id))) if unit.id else set()
        form.parent_id.choices = [(u, label) for u, label in _unit_choices() if u not in own_tree]
    if form.validate_on_submit():
        if _exists(Unit, Unit.code, form.code.data, unit.id):
            form.code.errors.append("Kode unit sudah dipakai.")
        elif unit.id == current_user.unit_id and not form.active.data:
            form.active.errors.append("Anda tidak dapat menonaktifkan unit Anda sendiri.")
        else:
            old_logo = unit.logo_file
            new_logo = _uploaded_logo(form, old_logo)
            if not form.logo.errors:
                _save(unit, form, fields, "update" if unit.id else "create", extra={"logo_file": new_logo})
                if old_logo and old_logo != new_logo:
                    unit_logo.remove(old_logo, current_app.instance_path)
                flash("Unit tersimpan.", "success")
                return redirect(url_for("admin.units"))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Unit", back=url_for("admin.units")), status


def _uploaded_logo(form: UnitForm, current: str | None) -> str | None:
    """The logo file name to keep: a newly stored upload, None when removed, else the current one."""
    upload = form.logo.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            return unit_logo.store(upload.read(unit_logo.MAX_BYTES + 1), current_app.instance_path)
        except unit_logo.LogoError as err:
            form.logo.errors = [*form.logo.errors, str(err)]
            return current
    if form.remove_logo is not None and form.remove_logo.data:
        return None
    return current


def level_below(level: str | None) -> str:
    """The unit level under `level` (kementerian -> eselon1 -> ...); the lowest stays the lowest."""
    if level not in UNIT_LEVELS:
        return UNIT_LEVELS[-1]
    return UNIT_LEVELS[min(UNIT_LEVELS.index(level) + 1, len(UNIT_LEVELS) - 1)]


@bp.route("/units/<int:unit_id>/deactivate", methods=["GET", "POST"])
def unit_deactivate(unit_id: int):
    unit = get_scoped_or_404(Unit, unit_id)
    if unit.id == current_user.unit_id:
        flash("Anda tidak dapat menonaktifkan unit Anda sendiri.", "error")
        return redirect(url_for("admin.units"))
    return _deactivate(unit, "admin.units", "Unit dinonaktifkan.", f"unit {unit.code} — {unit.name}")


@bp.post("/units/<int:unit_id>/activate")
def unit_activate(unit_id: int):
    return _activate(get_scoped_or_404(Unit, unit_id), "admin.units", "Unit diaktifkan kembali.")


# ---- layanan -------------------------------------------------------------

@bp.get("/layanan")
def layanan_list():
    stmt = scoped(Layanan).join(Layanan.unit).order_by(Unit.code, Layanan.name, Layanan.id)
    page = paging.paginate(paging.search(stmt, Layanan.name, Layanan.slug, Unit.code), PAGE_SIZE)
    return render_template("admin/layanan.html", rows=page.rows, page=page, confirm=ConfirmForm())


@bp.route("/layanan/new", methods=["GET", "POST"])
@bp.route("/layanan/<int:layanan_id>", methods=["GET", "POST"])
def layanan_edit(layanan_id: int | None = None):
    layanan = get_scoped_or_404(Layanan, layanan_id) if layanan_id else Layanan(active=True, published=False)
    form = LayananForm(obj=layanan)
    if form.region_id.data is None:  # no region yet and none posted: the "semua wilayah" choice
        form.region_id.data = NO_REGION
    form.unit_id.choices = _unit_choices()
    form.region_id.choices = _region_choices()
    if form.validate_on_submit():
        if _exists(Layanan, Layanan.slug, form.slug.data, layanan.id):
            form.slug.errors.append("Slug sudah dipakai layanan lain.")
        else:
            _save(layanan, form, ("name", "slug", "unit_id", "active", "published"),
                  "update" if layanan.id else "create", extra={"region_id": form.region_id.data or None})
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
    page = paging.paginate(paging.search(scoped(User).order_by(User.email), User.email, User.name), PAGE_SIZE)
    return render_template("admin/users.html", rows=page.rows, page=page, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int | None = None):
    user = get_scoped_or_404(User, user_id) if user_id else User(active=True, role="monitor")  # least privilege
    form = UserForm(obj=user, region_id=user.region_id or NO_REGION)
    form.unit_id.choices = [(NO_UNIT, "— pilih unit —")] + _unit_choices()
    form.region_id.choices = _region_choices()
    if user.unit_id is None and form.unit_id.data is None:
        form.unit_id.data = NO_UNIT
    if form.validate_on_submit():
        if _exists(User, User.email, form.email.data, user.id):
            form.email.errors.append("Email sudah terdaftar.")
        elif not user.id and not form.password.data:
            form.password.errors.append("Kata sandi wajib untuk pengguna baru.")
        elif user.id == current_user.id and (not form.active.data or form.role.data != "admin"):
            form.role.errors.append("Anda tidak dapat menonaktifkan atau menurunkan peran akun sendiri.")
        else:
            before = audit.snapshot(user) if user.id else None
            for field in ("email", "name", "role", "unit_id", "active"):
                setattr(user, field, getattr(form, field).data)
            user.region_id = form.region_id.data or None
            if form.password.data:
                user.set_password(form.password.data)  # also ends the user's sessions everywhere
            db.session.add(user)
            db.session.flush()
            audit.record("update" if before else "create", user, before=before, actor=current_user)
            db.session.commit()
            if form.password.data and user.id == current_user.id:
                sessions.restart(user)  # an admin who sets their own password stays signed in here
            flash("Pengguna tersimpan.", "success")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/form.html", form=form, title="Pengguna", back=url_for("admin.users")), status


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
def user_deactivate(user_id: int):
    user = get_scoped_or_404(User, user_id)
    if user.id == current_user.id:
        flash("Anda tidak dapat menonaktifkan akun sendiri.", "error")
        return redirect(url_for("admin.users"))
    # Its sessions end for good: re-activating the account later must not revive them.
    return _deactivate(user, "admin.users", "Pengguna dinonaktifkan.", f"akun {user.email}",
                       extra_change=user.end_sessions)


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
    before = audit.snapshot(user)
    user.end_sessions()
    audit.record("end_sessions", user, before=before, actor=current_user)
    db.session.commit()
    flash(f"Semua sesi {user.email} telah diakhiri.", "success")
    return redirect(url_for("admin.users"))


def _deactivate(obj, endpoint: str, message: str, what: str, extra_change=None):
    """GET asks first (a page with "Ya, nonaktifkan" and "Batal", no JavaScript needed); POST does it."""
    form = ConfirmForm()
    if request.method == "GET":
        return render_template("admin/confirm_deactivate.html", what=what, form=form, back=url_for(endpoint))
    if not form.validate_on_submit():
        return redirect(url_for(endpoint))
    before = audit.snapshot(obj)
    obj.active = False
    if extra_change is not None:
        extra_change()
    audit.record("deactivate", obj, before=before, actor=current_user)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint))


def _activate(obj, endpoint: str, message: str):
    form = ConfirmForm()
    if form.validate_on_submit() and not obj.active:
        before = audit.snapshot(obj)
        obj.active = True
        audit.record("activate", obj, before=before, actor=current_user)
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(endpoint))
