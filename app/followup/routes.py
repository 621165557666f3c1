"""Rencana tindak lanjut (RTL) pages: proposals, actions and completion shares per unit, layanan and period.

Analysts and admins only (monitors get 403); every unit, layanan and action is
looked up through app.core.scoping, so another unit's data is a 404. The routes
parse, call one service and reply; the services check scope again. Every write
ends the same way (`_write`): the service runs, the route commits once, then
flashes and redirects, and a rule the user broke goes back to the form.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from wtforms.fields.choices import SelectChoice

from app.core import transaction
from app.core.errors import error_response
from app.core.paging import page_number, page_url
from app.core.periods import Period, current_period, parse_period
from app.core.safe_redirect import same_site_path
from app.core.scoping import get_scoped_or_404, role_required
from app.followup import evidence_files, pages, pekppp_pack, publication, rtl, triage
from app.models import Layanan, PublicationRecord, RtlAction, SkmResponse, Unit
from app.models.followup import PUBLICATION_MEDIA, RTL_STATUSES, TRIAGE_STATUSES
from forms.followup import ActionForm, PublicationForm, SettingsForm, ThemeForm, TriageForm, kritik_choices

bp = Blueprint("followup", __name__, url_prefix="/tindak-lanjut")
PAGE_SIZE = 25


@bp.before_request
@role_required("analyst", "admin")
def _analysts_only():
    return None


# ---- parsing at the edge -------------------------------------------------------------------

def _id_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        abort(error_response(400, "Parameter tidak valid."))
    return int(raw)


def _unit() -> Unit:
    unit_id = _id_arg("unit")
    return get_scoped_or_404(Unit, unit_id if unit_id is not None else current_user.unit_id)


def _layanan(unit: Unit) -> Layanan | None:
    layanan_id = _id_arg("layanan")
    if layanan_id is None:
        return None
    layanan = get_scoped_or_404(Layanan, layanan_id)
    if layanan.unit_id not in rtl.subtree_ids(unit.id):
        abort(404)
    return layanan


def _period(unit: Unit) -> Period:
    text = request.args.get("periode", "").strip()
    if not text:
        return current_period(unit.timezone)
    if len(text) > 10 or "\x00" in text:
        abort(error_response(400, "Periode tidak dikenal."))
    try:
        return parse_period(text)
    except ValueError as err:
        abort(error_response(400, str(err)))


def _filters() -> triage.Filters:
    search = request.args.get("q", "").strip()
    if len(search) > triage.SEARCH_MAX or "\x00" in search:
        abort(error_response(400, "Kata kunci pencarian terlalu panjang atau tidak valid."))
    status = request.args.get("status", "") or None
    if status is not None and status not in TRIAGE_STATUSES:
        abort(error_response(400, "Status tidak dikenal."))
    return triage.Filters(search=search, status=status, theme_id=_id_arg("tema"))


def _upload(storage) -> bytes | None:
    """The uploaded evidence bytes (read once, one byte past the cap so the service can refuse it)."""
    if not isinstance(storage, FileStorage) or not storage.filename:
        return None
    return storage.stream.read(evidence_files.MAX_BYTES + 1)


def _action_input(form: ActionForm) -> rtl.ActionInput:
    return rtl.ActionInput(
        unsur=form.unsur.data, problem=form.problem.data or "", action=form.action.data or "",
        pic=form.pic.data or "", planned_start=form.planned_start.data, planned_end=form.planned_end.data,
        status=form.status.data, cancel_reason=form.cancel_reason.data, evidence_note=form.evidence_note.data,
        completed_on=form.completed_on.data, kritik_ids=tuple(form.kritik.data or ()),
        evidence=_upload(form.evidence.data), remove_evidence=bool(form.remove_evidence.data))


# ---- replying ------------------------------------------------------------------------------

def _write(write, message: str | None, next_url: str, form=None, *, denied: int = 403):
    """Run one service write, commit it, flash `message` and redirect to `next_url`.

    NotPermitted becomes `denied`; a FollowupError is added to `form` (None is returned
    so the caller shows the form again) or, without a form, is a 400.
    """
    try:
        write()
    except rtl.NotPermitted:
        abort(denied)
    except rtl.FollowupError as err:
        if form is None:
            abort(error_response(400, str(err)))
        form.form_errors.append(str(err))
        return None
    transaction.commit()
    if message:
        flash(message, "success")
    return redirect(next_url)


def _pager(number: int, has_next: bool) -> dict:
    return {"next_url": page_url(hal=number + 1) if has_next else None,
            "prev_url": page_url(hal=number - 1) if number > 1 else None}


# ---- rencana tindak lanjut -----------------------------------------------------------------

@bp.get("/")
def index():
    unit = _unit()
    layanan = _layanan(unit)
    period = _period(unit)
    number = page_number()
    context, has_next = pages.rtl_page(current_user, unit, layanan, period, number, PAGE_SIZE)
    return render_template("followup/index.html", unit=unit, layanan=layanan, period=period,
                           statuses=RTL_STATUSES, unsur_names=rtl.UNSUR_NAMES, **context,
                           **_pager(number, has_next))


def _render_form(form: ActionForm, unit: Unit, layanan: Layanan | None, period: Period, action=None):
    return render_template("followup/form.html", form=form, unit=unit, layanan=layanan, period=period,
                           action=action)


@bp.route("/baru", methods=["GET", "POST"])
def create():
    unit = _unit()
    layanan = _layanan(unit)
    period = _period(unit)
    form = ActionForm()
    form.kritik.choices = kritik_choices(pages.action_kritik_choices(unit.id, layanan.id if layanan else None,
                                                                     period))
    if request.method == "GET" and request.args.get("unsur") in rtl.UNSUR_NAMES:
        form.unsur.data = request.args["unsur"]
    if form.validate_on_submit() and (reply := _write(
            lambda: rtl.create_action(current_user, unit, layanan, period, _action_input(form),
                                      current_app.instance_path),
            "Tindak lanjut disimpan.",
            url_for("followup.index", unit=unit.id, periode=period.code, layanan=layanan.id if layanan else None),
            form)):
        return reply
    return _render_form(form, unit, layanan, period)


@bp.route("/<int:action_id>/ubah", methods=["GET", "POST"])
def edit(action_id: int):
    action = get_scoped_or_404(RtlAction, action_id)
    period = parse_period(action.period)
    form = ActionForm(obj=action)
    form.kritik.choices = kritik_choices(pages.action_kritik_choices(action.unit_id, action.layanan_id, period,
                                                                     action))
    if request.method == "GET":
        form.kritik.data = [r.id for r in action.kritik]
    if form.validate_on_submit() and (reply := _write(
            lambda: rtl.update_action(current_user, action, _action_input(form), current_app.instance_path),
            "Tindak lanjut diperbarui.", url_for("followup.index", unit=action.unit_id, periode=action.period),
            form)):
        return reply
    return _render_form(form, action.unit, action.layanan, period, action)


@bp.get("/<int:action_id>/bukti")
def evidence(action_id: int):
    action = get_scoped_or_404(RtlAction, action_id)
    return evidence_files.send(action.evidence_file, current_app.instance_path) or abort(404)


@bp.post("/<int:action_id>/hapus")
def delete(action_id: int):
    action = get_scoped_or_404(RtlAction, action_id)
    return _write(lambda: rtl.delete_action(current_user, action, current_app.instance_path),
                  "Tindak lanjut dihapus.", url_for("followup.index", unit=action.unit_id, periode=action.period))


@bp.route("/pengaturan", methods=["GET", "POST"])
@role_required("admin")
def settings():
    unit = _unit()
    current = rtl.settings_for(unit.id)
    form = SettingsForm(data={"nrr_threshold": current.nrr_threshold, "show_pic": current.show_pic})
    if form.validate_on_submit() and (reply := _write(
            lambda: rtl.save_settings(current_user, unit.id, float(form.nrr_threshold.data), form.show_pic.data),
            "Pengaturan tindak lanjut disimpan.", url_for("followup.index", unit=unit.id), form)):
        return reply
    return render_template("followup/settings.html", form=form, unit=unit)


# ---- kritik dan saran triage ------------------------------------------------------------------

@bp.get("/kritik")
def kritik():
    unit = _unit()
    layanan = _layanan(unit)
    period = _period(unit)
    filters = _filters()
    number = page_number()
    context, has_next = pages.kritik_page(current_user, unit, layanan, period, filters, number, PAGE_SIZE)
    return render_template("followup/kritik.html", unit=unit, layanan=layanan, period=period, filters=filters,
                           statuses=TRIAGE_STATUSES, unsur_names=rtl.UNSUR_NAMES, back=request.full_path,
                           **context, **_pager(number, has_next))


@bp.post("/kritik/<int:response_id>", endpoint="triage")
def triage_answer(response_id: int):
    response = get_scoped_or_404(SkmResponse, response_id)
    themes, actions = pages.triage_options(current_user, response)
    form = TriageForm()
    form.themes.choices = [SelectChoice(t.id, t.name) for t in themes]
    form.actions.choices = [SelectChoice(a.id, a.unsur) for a in actions]
    if not form.validate_on_submit():
        errors = "; ".join(e for field in form for e in field.errors) or "Isian tidak valid."
        abort(error_response(400, errors))
    back = same_site_path(request.form.get("next", "")) or url_for("followup.kritik", unit=response.layanan.unit_id)
    return _write(lambda: triage.triage(current_user, response.id, form.status.data, form.hidden_public.data,
                                        list(form.themes.data or ()), list(form.actions.data or ())),
                  "Kritik dan saran diperbarui.", back, denied=404)


@bp.route("/tema", methods=["GET", "POST"])
@role_required("admin")
def themes():
    form = ThemeForm()
    if form.validate_on_submit() and (reply := _write(
            lambda: triage.add_theme(current_user, form.code.data, form.name.data),
            "Tema ditambahkan.", url_for("followup.themes"), form)):
        return reply
    return render_template("followup/themes.html", form=form, themes=triage.themes(active_only=False))


@bp.post("/tema/<int:theme_id>/aktif")
@role_required("admin")
def theme_active(theme_id: int):
    theme = triage.find_theme(theme_id) or abort(404)
    return _write(lambda: triage.set_theme_active(current_user, theme, request.form.get("aktif") == "1"),
                  None, url_for("followup.themes"))


# ---- publication log --------------------------------------------------------------------------

@bp.route("/publikasi", methods=["GET", "POST"])
def publications():
    unit = _unit()
    period = _period(unit)
    form = PublicationForm()
    if form.validate_on_submit() and (reply := _write(
            lambda: publication.add_record(current_user, unit.id, period, publication.RecordInput(
                medium=form.medium.data, published_on=form.published_on.data, description=form.description.data,
                url=form.url.data, evidence=_upload(form.evidence.data)), current_app.instance_path),
            "Catatan publikasi disimpan.", url_for("followup.publications", unit=unit.id, periode=period.code),
            form)):
        return reply
    number = page_number()
    context, has_next = pages.publications_page(unit, period, number, PAGE_SIZE)
    return render_template("followup/publications.html", unit=unit, period=period, form=form,
                           media=PUBLICATION_MEDIA, **context, **_pager(number, has_next))


@bp.post("/publikasi/<int:record_id>/hapus")
def publication_delete(record_id: int):
    record = get_scoped_or_404(PublicationRecord, record_id)
    return _write(lambda: publication.delete_record(current_user, record, current_app.instance_path),
                  "Catatan publikasi dihapus.",
                  url_for("followup.publications", unit=record.unit_id, periode=record.period))


@bp.get("/publikasi/<int:record_id>/bukti")
def publication_evidence(record_id: int):
    record = get_scoped_or_404(PublicationRecord, record_id)
    return evidence_files.send(record.evidence_file, current_app.instance_path) or abort(404)


@bp.get("/pekppp", endpoint="pekppp_pack")
def pekppp():
    """The PEKPPP evidence pack (ZIP) for the unit and period in the query string."""
    unit = _unit()
    period = _period(unit)
    data = pekppp_pack.build_pack(unit, period, current_app.instance_path)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=pekppp_pack.file_name(unit, period))
