"""Rencana tindak lanjut (RTL) pages: proposals, actions and completion shares per unit, layanan and period.

Analysts and admins only (monitors get 403); every unit, layanan and action is
looked up through app.core.scoping, so another unit's data is a 404. The routes
parse, call one service and reply; the services check scope again.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from wtforms.fields.choices import SelectChoice

from app.core.errors import error_response
from app.core.periods import Period, current_period, parse_period
from app.core.safe_redirect import same_site_path
from app.core.scoping import get_scoped_or_404, role_required, scoped, unit_subtree_ids
from app.extensions import db
from app.followup import effect as followup_effect
from app.followup import evidence_files, rtl
from app.followup import publication as followup_publication
from app.followup import triage as followup_triage
from app.models import KritikTheme, Layanan, PublicationRecord, RtlAction, SkmResponse, Unit
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
    return get_scoped_or_404(Unit, unit_id) if unit_id is not None else get_scoped_or_404(Unit, current_user.unit_id)


def _layanan(unit: Unit) -> Layanan | None:
    layanan_id = _id_arg("layanan")
    if layanan_id is None:
        return None
    layanan = get_scoped_or_404(Layanan, layanan_id)
    if layanan.unit_id not in set(db.session.scalars(unit_subtree_ids(unit.id))):
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


def _page() -> int:
    raw = request.args.get("hal", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _action_input(form: ActionForm) -> rtl.ActionInput:
    return rtl.ActionInput(
        unsur=form.unsur.data, problem=form.problem.data or "", action=form.action.data or "",
        pic=form.pic.data or "", planned_start=form.planned_start.data, planned_end=form.planned_end.data,
        status=form.status.data, cancel_reason=form.cancel_reason.data, evidence_note=form.evidence_note.data,
        completed_on=form.completed_on.data, kritik_ids=tuple(form.kritik.data or ()),
        evidence=_upload(form), remove_evidence=bool(form.remove_evidence.data))


def _upload(form: ActionForm) -> bytes | None:
    """The uploaded evidence bytes (read once, one byte past the cap so the service can refuse it)."""
    storage = form.evidence.data
    if not isinstance(storage, FileStorage) or not storage.filename:
        return None
    return storage.stream.read(evidence_files.MAX_BYTES + 1)


# ---- pages --------------------------------------------------------------------------------

@bp.get("/")
def index():
    unit = _unit()
    layanan = _layanan(unit)
    period = _period(unit)
    settings = rtl.settings_for(unit.id)
    layanan_ids = rtl.target_layanan_ids(unit.id, layanan.id if layanan else None)
    unit_ids = list(db.session.scalars(unit_subtree_ids(unit.id)))
    page = _page()
    rows = db.session.scalars(rtl.actions_stmt(unit_ids, period.code, layanan.id if layanan else None)
                              .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    args = {k: v for k, v in request.args.items() if k != "hal"}
    next_period, effects = followup_effect.effects(
        layanan_ids, period, followup_effect.acted_unsur(unit_ids, period.code, layanan.id if layanan else None))
    return render_template(
        "followup/index.html", effects=effects, next_period=next_period,
        unit=unit, layanan=layanan, period=period, settings=settings,
        proposals=rtl.proposals(layanan_ids, period, settings.nrr_threshold),
        actions=rows[:PAGE_SIZE], statuses=RTL_STATUSES, unsur_names=rtl.UNSUR_NAMES,
        completion=rtl.completion(unit_ids, period.code),
        theme_counts=followup_triage.theme_counts(layanan_ids, period),
        units=db.session.scalars(scoped(Unit).order_by(Unit.code)).all(),
        layanan_list=db.session.scalars(scoped(Layanan).where(Layanan.unit_id.in_(unit_ids))
                                        .order_by(Layanan.name)).all(),
        next_url=url_for("followup.index", **args, hal=page + 1) if len(rows) > PAGE_SIZE else None,
        prev_url=url_for("followup.index", **args, hal=page - 1) if page > 1 else None,
    )


def _render_form(form: ActionForm, unit: Unit, layanan: Layanan | None, period: Period, action=None):
    return render_template("followup/form.html", form=form, unit=unit, layanan=layanan, period=period,
                           action=action)


@bp.route("/baru", methods=["GET", "POST"])
def create():
    unit = _unit()
    layanan = _layanan(unit)
    period = _period(unit)
    form = ActionForm()
    form.kritik.choices = kritik_choices(rtl.kritik_choices(
        rtl.target_layanan_ids(unit.id, layanan.id if layanan else None), period))
    if request.method == "GET" and request.args.get("unsur") in rtl.UNSUR_NAMES:
        form.unsur.data = request.args["unsur"]
    if form.validate_on_submit():
        try:
            rtl.create_action(current_user, unit, layanan, period, _action_input(form), current_app.instance_path)
        except rtl.NotPermitted:
            abort(403)
        except rtl.FollowupError as err:
            form.form_errors.append(str(err))
        else:
            db.session.commit()
            flash("Tindak lanjut disimpan.", "success")
            return redirect(url_for("followup.index", unit=unit.id, periode=period.code,
                                    layanan=layanan.id if layanan else None))
    return _render_form(form, unit, layanan, period)


@bp.route("/<int:action_id>/ubah", methods=["GET", "POST"])
def edit(action_id: int):
    action = get_scoped_or_404(RtlAction, action_id)
    period = parse_period(action.period)
    form = ActionForm(obj=action)
    choices = rtl.kritik_choices(rtl.target_layanan_ids(action.unit_id, action.layanan_id), period)
    known = {rid for rid, _text in choices}
    choices += [(r.id, r.kritik_saran[:140]) for r in action.kritik if r.id not in known]
    form.kritik.choices = kritik_choices(choices)
    if request.method == "GET":
        form.kritik.data = [r.id for r in action.kritik]
    if form.validate_on_submit():
        try:
            rtl.update_action(current_user, action, _action_input(form), current_app.instance_path)
        except rtl.NotPermitted:
            abort(403)
        except rtl.FollowupError as err:
            form.form_errors.append(str(err))
        else:
            db.session.commit()
            flash("Tindak lanjut diperbarui.", "success")
            return redirect(url_for("followup.index", unit=action.unit_id, periode=action.period))
    return _render_form(form, action.unit, action.layanan, period, action)


@bp.get("/<int:action_id>/bukti")
def evidence(action_id: int):
    action = get_scoped_or_404(RtlAction, action_id)
    return evidence_files.send(action.evidence_file, current_app.instance_path) or abort(404)


@bp.post("/<int:action_id>/hapus")
def delete(action_id: int):
    action = get_scoped_or_404(RtlAction, action_id)
    unit_id, period_code = action.unit_id, action.period
    try:
        rtl.delete_action(current_user, action, current_app.instance_path)
    except rtl.NotPermitted:
        abort(403)
    db.session.commit()
    flash("Tindak lanjut dihapus.", "success")
    return redirect(url_for("followup.index", unit=unit_id, periode=period_code))


@bp.route("/pengaturan", methods=["GET", "POST"])
@role_required("admin")
def settings():
    unit = _unit()
    current = rtl.settings_for(unit.id)
    form = SettingsForm(data={"nrr_threshold": current.nrr_threshold, "show_pic": current.show_pic})
    if form.validate_on_submit():
        try:
            rtl.save_settings(current_user, unit.id, float(form.nrr_threshold.data), form.show_pic.data)
        except rtl.NotPermitted:
            abort(403)
        except rtl.FollowupError as err:
            form.form_errors.append(str(err))
        else:
            db.session.commit()
            flash("Pengaturan tindak lanjut disimpan.", "success")
            return redirect(url_for("followup.index", unit=unit.id))
    return render_template("followup/settings.html", form=form, unit=unit)


# ---- kritik dan saran triage ------------------------------------------------------------------

def _filters() -> followup_triage.Filters:
    search = request.args.get("q", "").strip()
    if len(search) > followup_triage.SEARCH_MAX or "\x00" in search:
        abort(error_response(400, "Kata kunci pencarian terlalu panjang atau tidak valid."))
    status = request.args.get("status", "") or None
    if status is not None and status not in TRIAGE_STATUSES:
        abort(error_response(400, "Status tidak dikenal."))
    return followup_triage.Filters(search=search, status=status, theme_id=_id_arg("tema"))


@bp.get("/kritik")
def kritik():
    unit = _unit()
    layanan = _layanan(unit)
    period = _period(unit)
    filters = _filters()
    layanan_ids = rtl.target_layanan_ids(unit.id, layanan.id if layanan else None)
    page = _page()
    rows = db.session.execute(followup_triage.items_stmt(layanan_ids, period, filters)
                              .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    shown = rows[:PAGE_SIZE]
    items = []
    for response, triage, layanan_name in shown:
        items.append({
            "response": response, "triage": triage, "layanan": layanan_name,
            "actions": followup_triage.candidate_actions(current_user, response.layanan, response.period),
        })
    links = followup_triage.linked_actions([i["response"].id for i in items])
    args = {k: v for k, v in request.args.items() if k != "hal"}
    unit_ids = list(db.session.scalars(unit_subtree_ids(unit.id)))
    return render_template(
        "followup/kritik.html", unit=unit, layanan=layanan, period=period, filters=filters, items=items,
        links=links, themes=followup_triage.themes(active_only=False), statuses=TRIAGE_STATUSES,
        counts=followup_triage.theme_counts(layanan_ids, period), unsur_names=rtl.UNSUR_NAMES,
        units=db.session.scalars(scoped(Unit).order_by(Unit.code)).all(),
        layanan_list=db.session.scalars(scoped(Layanan).where(Layanan.unit_id.in_(unit_ids))
                                        .order_by(Layanan.name)).all(),
        next_url=url_for("followup.kritik", **args, hal=page + 1) if len(rows) > PAGE_SIZE else None,
        prev_url=url_for("followup.kritik", **args, hal=page - 1) if page > 1 else None,
        back=request.full_path,
    )


@bp.post("/kritik/<int:response_id>")
def triage(response_id: int):
    response = get_scoped_or_404(SkmResponse, response_id)
    form = TriageForm()
    form.themes.choices = [SelectChoice(t.id, t.name) for t in followup_triage.themes(active_only=False)]
    form.actions.choices = [SelectChoice(a.id, a.unsur) for a in
                            followup_triage.candidate_actions(current_user, response.layanan, response.period)]
    if not form.validate_on_submit():
        errors = "; ".join(e for field in form for e in field.errors) or "Isian tidak valid."
        abort(error_response(400, errors))
    try:
        followup_triage.triage(current_user, response.id, form.status.data, form.hidden_public.data,
                               list(form.themes.data or ()), list(form.actions.data or ()))
    except rtl.NotPermitted:
        abort(404)
    except rtl.FollowupError as err:
        abort(error_response(400, str(err)))
    db.session.commit()
    flash("Kritik dan saran diperbarui.", "success")
    back = request.form.get("next", "")
    return redirect(same_site_path(back) or url_for("followup.kritik", unit=response.layanan.unit_id))


@bp.route("/tema", methods=["GET", "POST"])
@role_required("admin")
def themes():
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            followup_triage.add_theme(current_user, form.code.data, form.name.data)
        except rtl.FollowupError as err:
            form.form_errors.append(str(err))
        else:
            db.session.commit()
            flash("Tema ditambahkan.", "success")
            return redirect(url_for("followup.themes"))
    return render_template("followup/themes.html", form=form, themes=followup_triage.themes(active_only=False))


@bp.post("/tema/<int:theme_id>/aktif")
@role_required("admin")
def theme_active(theme_id: int):
    theme = db.session.get(KritikTheme, theme_id)
    if theme is None:
        abort(404)
    followup_triage.set_theme_active(current_user, theme, request.form.get("aktif") == "1")
    db.session.commit()
    return redirect(url_for("followup.themes"))


# ---- publication log --------------------------------------------------------------------------

@bp.route("/publikasi", methods=["GET", "POST"])
def publications():
    unit = _unit()
    period = _period(unit)
    form = PublicationForm()
    if form.validate_on_submit():
        storage = form.evidence.data
        evidence = (storage.stream.read(evidence_files.MAX_BYTES + 1)
                    if isinstance(storage, FileStorage) and storage.filename else None)
        try:
            followup_publication.add_record(current_user, unit.id, period, followup_publication.RecordInput(
                medium=form.medium.data, published_on=form.published_on.data, description=form.description.data,
                url=form.url.data, evidence=evidence), current_app.instance_path)
        except rtl.NotPermitted:
            abort(403)
        except rtl.FollowupError as err:
            form.form_errors.append(str(err))
        else:
            db.session.commit()
            flash("Catatan publikasi disimpan.", "success")
            return redirect(url_for("followup.publications", unit=unit.id, periode=period.code))
    page = _page()
    rows = db.session.scalars(followup_publication.records_stmt(unit.id, period.code)
                              .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    args = {k: v for k, v in request.args.items() if k != "hal"}
    return render_template(
        "followup/publications.html", unit=unit, period=period, form=form, records=rows[:PAGE_SIZE],
        media=PUBLICATION_MEDIA, public_page=followup_publication.has_public_page(unit.id),
        media_count=followup_publication.media_count(unit.id, period.code),
        next_url=url_for("followup.publications", **args, hal=page + 1) if len(rows) > PAGE_SIZE else None,
        prev_url=url_for("followup.publications", **args, hal=page - 1) if page > 1 else None)


@bp.post("/publikasi/<int:record_id>/hapus")
def publication_delete(record_id: int):
    record = get_scoped_or_404(PublicationRecord, record_id)
    unit_id, period_code = record.unit_id, record.period
    followup_publication.delete_record(current_user, record, current_app.instance_path)
    db.session.commit()
    flash("Catatan publikasi dihapus.", "success")
    return redirect(url_for("followup.publications", unit=unit_id, periode=period_code))


@bp.get("/publikasi/<int:record_id>/bukti")
def publication_evidence(record_id: int):
    record = get_scoped_or_404(PublicationRecord, record_id)
    return evidence_files.send(record.evidence_file, current_app.instance_path) or abort(404)


@bp.get("/pekppp")
def pekppp_pack():
    """The PEKPPP evidence pack (ZIP) for the unit and period in the query string."""
    import io

    from flask import send_file

    from app.followup import pekppp_pack as pack

    unit = _unit()
    period = _period(unit)
    data = pack.build_pack(unit, period, current_app.instance_path)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=pack.file_name(unit, period))
