"""Field monitoring pages: pendamping checks and KPM income samples.

Forms post HTML normally and answer JSON to the offline queue (Accept:
application/json, app.core.queue_replies): {"status": "ok" | "duplicate"} on
success, 422 with field errors, 409 for a second record of the same pendamping
and period, and 401 (not a login redirect) when the session has expired. The
routes parse the form and call one service (app.monitoring.checks,
income_samples, lists), which applies every rule; they pass the signed-in user
explicitly and commit once.
"""
from __future__ import annotations

import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.core import nik as nik_service
from app.core import paging, queue_replies, transaction
from app.core.errors import error_response, wants_json
from app.core.parsing import arg_int, parse_date
from app.core.periods import parse_period
from app.core.scoping import get_scoped_or_404, role_required
from app.models import IncomeSample, PendampingCheck, utcnow
from app.models.org import TIMEZONES
from app.monitoring import checklists, checks, income_samples, lists
from forms.monitoring import IncomeSampleForm, PendampingCheckForm, RejectForm

bp = Blueprint("monitoring", __name__, url_prefix="/pantau", cli_group=None)
PAGE_SIZE = 50
WRONG_OWNER = ("Data ini dicatat oleh pengguna lain di perangkat ini, jadi tidak disimpan atas nama Anda. "
               "Data tetap di perangkat sampai pemiliknya masuk lagi.")
REGION_FROM_NIK = 0  # the new-sample form's first kab/kota choice: "take it from the NIK"
CHECK_FORM = "monitoring/check_form.html"
INCOME_FORM = "monitoring/income_form.html"


@bp.before_request
def _signed_in():
    """JSON clients (the offline queue) get a 401, not a redirect to the login page."""
    if not current_user.is_authenticated:
        if wants_json() or request.method == "POST":
            return error_response(401, "Sesi berakhir — silakan masuk lagi; data antrean tidak hilang.")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return _owner_mismatch()


def _owner_mismatch():
    """A queued item records the user it was created under (`owner`); it is stored only under that user.

    On a shared phone monitor A's queued item must never land with monitor B as
    the monitor. A form post without `owner` (old queued items, scripts) is the
    session user's own. See docs/OFFLINE.md.
    """
    if request.method != "POST":
        return None
    owner = request.form.get("owner")
    if owner is None or owner == str(current_user.id):
        return None
    if wants_json():
        return jsonify(status="wrong_owner", owner=owner[:40], message=WRONG_OWNER), 409
    return error_response(409, WRONG_OWNER)


# ---- shared helpers ------------------------------------------------------------

def _editable(record) -> bool:
    return checks.editable(record, current_user, current_app.config["MONITOR_EDIT_DAYS"])


def _filters() -> lists.Filters:
    """The list filters of the query string; an unreadable date is ignored, an unreadable period is a 400."""
    period = None
    if text := request.args.get("periode", "").strip():
        try:
            period = parse_period(text)
        except ValueError as err:
            abort(error_response(400, str(err)))
    try:
        day = parse_date(request.args["tanggal"]) if request.args.get("tanggal", "").strip() else None
    except ValueError:
        day = None
    return lists.Filters(period=period, region_id=arg_int("wilayah"), outcome=request.args.get("hasil", ""),
                         status=request.args.get("status", ""), gps_only=request.args.get("tanda") == "gps",
                         search=paging.search_text(), last4=request.args.get("nik", "").strip(),
                         eligibility=request.args.get("kelayakan", ""), day=day)


def _page_links(number: int, has_next: bool) -> tuple[str | None, str | None]:
    prev = paging.page_url(**{paging.PAGE_ARG: number - 1}) if number > 1 else None
    nxt = paging.page_url(**{paging.PAGE_ARG: number + 1}) if has_next else None
    return prev, nxt


def _merge(form, errors: dict, found: dict) -> dict:
    """Show the service's messages inline on their fields, after the form's own."""
    for name, messages in found.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
        errors[name] = [*errors.get(name, []), *messages]
    return errors


def _reject(record, detail_endpoint: str):
    form = RejectForm()
    if record.status != "valid":
        return error_response(409, "Catatan ini sudah ditolak.")
    if not form.validate_on_submit():
        flash("; ".join(m for msgs in form.errors.values() for m in msgs), "error")
        return redirect(url_for(detail_endpoint, record_id=record.id))
    checks.reject(record, form.reason.data, actor=current_user)
    transaction.commit()
    flash("Catatan ditolak dan tidak dihitung dalam indikator (tetap tersimpan).", "success")
    return redirect(url_for(detail_endpoint, record_id=record.id))


# ---- home ----------------------------------------------------------------------

@bp.get("/")
@role_required("monitor", "analyst", "admin")
def home():
    return render_template("monitoring/home.html")


@bp.get("/antrean")
@role_required("monitor", "analyst", "admin")
def outbox():
    """The device outbox: a shell page; offline-queue.js lists this user's queued items from IndexedDB."""
    return render_template("monitoring/outbox.html")


# ---- pendamping checks ---------------------------------------------------------

def _check_context(ptype, form, version, errors: dict, answers=None) -> dict:
    kind = current_app.config["PENDAMPING_PERIOD_KIND"]
    return {"form": form, "ptype": ptype, "version": version, "problems": errors, "answers": answers or {},
            "period_hint": {"year": "mis. 2025", "semester": "mis. 2025-S1", "quarter": "mis. 2025-Q1",
                            "month": "mis. 2025-03"}.get(kind, "")}


def _check_input(form) -> checks.CheckInput:
    """The posted check as plain values; a value the form refused is None."""
    def value(name):
        field = getattr(form, name, None)  # a correction's form has no pendamping field
        return None if field is None or field.errors else field.data

    answers = {key[2:]: raw for key, raw in request.form.items() if key.startswith("k_")}
    instance = value("instance_id")
    return checks.CheckInput(
        instance_id=uuid.UUID(str(instance)) if instance else None,
        pendamping_id=value("pendamping_id"),
        period=value("period"), visit_date=value("visit_date"), method=value("method"),
        checklist_version_id=form.checklist_version_id.data, answers=answers,
        # as read, even when out of range: "latitude without longitude" is still worth saying
        latitude=form.latitude.data, longitude=form.longitude.data, gps_accuracy_m=form.gps_accuracy_m.data,
        notes=value("notes"))


@bp.get("/pendamping/catat")
@role_required("monitor")
def check_new():
    ptype = checks.active_type(request.args.get("jenis", ""))
    if ptype is None:
        return render_template("monitoring/check_choose_type.html", types=checks.active_types())
    version = checklists.version_in_force(ptype.id)
    if version is None:
        abort(404)
    period = checks.default_period(current_user, current_app.config["PENDAMPING_PERIOD_KIND"])
    form = PendampingCheckForm(instance_id=str(uuid.uuid4()), checklist_version_id=str(version.id),
                               period=str(period))
    form.pendamping_id.choices = checks.pendamping_choices(ptype.id, current_user)
    return render_template(CHECK_FORM, **_check_context(ptype, form, version, {}))


@bp.post("/pendamping/catat")
@role_required("monitor")
def check_create():
    form = PendampingCheckForm()
    form.pendamping_id.validate_choice = False
    form.pendamping_id.choices = []
    form.validate()
    errors = dict(form.errors)
    outcome = checks.create_check(_check_input(form), monitor=current_user, reported=set(errors),
                                  period_kind=current_app.config["PENDAMPING_PERIOD_KIND"],
                                  gps_limit=current_app.config["GPS_ACCURACY_WARN_METERS"])
    errors = _merge(form, errors, outcome.errors)
    pendamping, version = outcome.pendamping, outcome.version
    ptype = pendamping.type if pendamping else checks.type_by_code(request.args.get("jenis", ""))
    if outcome.status == "invalid":
        if ptype is None or version is None:
            if wants_json():
                return jsonify(status="invalid", message=queue_replies.INVALID, errors=errors), 422
            return error_response(400, "Pendamping tidak valid. Muat ulang formulir.")
        form.pendamping_id.choices = checks.pendamping_choices(ptype.id, current_user)
        return queue_replies.invalid(errors, CHECK_FORM, **_check_context(ptype, form, version, errors,
                                                                          outcome.answers))
    next_url = url_for("monitoring.check_new", jenis=ptype.code)
    if outcome.status == "conflict":
        existing = outcome.existing
        url = None
        if existing is not None:
            endpoint = "monitoring.check_edit" if _editable(existing) else "monitoring.check_detail"
            url = url_for(endpoint, record_id=existing.id)
        form.pendamping_id.choices = checks.pendamping_choices(ptype.id, current_user)
        return queue_replies.conflict(outcome.message, CHECK_FORM, existing_id=existing.id if existing else None,
                                      existing_url=url, **_check_context(ptype, form, version, {}, outcome.answers))
    if outcome.status == "duplicate":
        return queue_replies.saved("Catatan ini sudah diterima sebelumnya.", next_url, record_id=outcome.record.id,
                                   status="duplicate")
    transaction.commit()
    return queue_replies.saved(outcome.message, next_url, record_id=outcome.record.id, warnings=outcome.warnings)


@bp.get("/pendamping")
@role_required("monitor", "analyst", "admin")
def check_list():
    filters, number = _filters(), paging.page_number()
    filters.code = request.args.get("jenis", "")
    listing = lists.check_list(filters, current_user, number, PAGE_SIZE)
    prev, nxt = _page_links(number, listing.has_next)
    return render_template("monitoring/check_list.html", rows=listing.rows, prev=prev, nxt=nxt,
                           types=listing.choices, regions=listing.regions, summary=listing.summary,
                           args=request.args)


@bp.get("/pendamping/<int:record_id>")
@role_required("monitor", "analyst", "admin")
def check_detail(record_id: int):
    record = get_scoped_or_404(PendampingCheck, record_id)
    reject = RejectForm() if current_user.role in ("analyst", "admin") and record.status == "valid" else None
    return render_template("monitoring/check_detail.html", record=record, editable=_editable(record), reject=reject)


@bp.route("/pendamping/<int:record_id>/ubah", methods=["GET", "POST"])
@role_required("monitor")
def check_edit(record_id: int):
    record = get_scoped_or_404(PendampingCheck, record_id)
    if not _editable(record):
        return error_response(403, "Masa koreksi sudah lewat atau catatan ini tidak dapat diubah.")
    form = PendampingCheckForm(obj=record)
    del form.pendamping_id
    form.period.data = record.period
    errors: dict[str, list[str]] = {}
    answers = dict(record.answers)
    if request.method == "POST":
        form.validate()
        errors = {k: v for k, v in form.errors.items() if k not in ("period", "instance_id")}
        outcome = checks.correct_check(record, _check_input(form), actor=current_user, reported=set(errors),
                                       gps_limit=current_app.config["GPS_ACCURACY_WARN_METERS"])
        errors, answers = _merge(form, errors, outcome.errors), outcome.answers
        if outcome.status == "ok":
            transaction.commit()
            return queue_replies.saved(outcome.message, url_for("monitoring.check_detail", record_id=record.id),
                                       record_id=record.id, warnings=outcome.warnings)
    context = _check_context(record.type, form, record.checklist_version, errors, answers)
    return render_template(CHECK_FORM, record=record, **context), (422 if errors else 200)


@bp.post("/pendamping/<int:record_id>/tolak")
@role_required("analyst", "admin")
def check_reject(record_id: int):
    return _reject(get_scoped_or_404(PendampingCheck, record_id), "monitoring.check_detail")


# ---- income samples ------------------------------------------------------------

def _income_choices(form: IncomeSampleForm, creating: bool = False) -> None:
    form.program_id.choices = [(p.id, p.name) for p in income_samples.programs()]
    form.region_id.choices = income_samples.kabkota_choices(current_user)
    if creating:
        form.region_id.choices.insert(0, (REGION_FROM_NIK, "— sesuai kode wilayah NIK —"))


def _income_values(form: IncomeSampleForm) -> dict:
    """The posted sample as plain values; a value the form refused is None, REGION_FROM_NIK is None."""
    names = ("program_id", "region_id", "cohort_year", "intervention_date", "monitoring_date", "household_size",
             "measure", "income_before", "income_after", "business_status", "notes")
    values = {name: (None if getattr(form, name).errors else getattr(form, name).data) for name in names}
    values["notes"] = values["notes"] or None
    if values["region_id"] == REGION_FROM_NIK:
        values["region_id"] = None
    return values


def _save_income(form: IncomeSampleForm, record: IncomeSample | None):
    """Validate the form, then store through income_samples.save; (Saved, None) or (None, 422 reply)."""
    form.validate()
    errors = {k: v for k, v in form.errors.items() if record is None or k != "instance_id"}
    values = _income_values(form)
    if record is None:
        instance = None if form.instance_id.errors else uuid.UUID(form.instance_id.data)
        now = utcnow()
        values.update(instance_id=instance, unit_id=current_user.unit_id, monitor_id=current_user.id,
                      source="web", status="valid", created_at=now, updated_at=now)
    try:
        return income_samples.save(values, nik=form.nik.data if record is None else None, existing=record,
                                   monitor=current_user, actor=current_user,
                                   confirmed_large=bool(form.confirm_large.data), reported=set(errors)), None
    except income_samples.SampleInvalid as err:
        if err.region_id is not None:
            form.region_id.data = err.region_id
        errors = _merge(form, errors, err.errors)
        return None, queue_replies.invalid(errors, INCOME_FORM, form=form, record=record)


@bp.route("/pendapatan/catat", methods=["GET", "POST"])
@role_required("monitor")
def income_new():
    form = IncomeSampleForm()
    _income_choices(form, creating=True)
    if request.method == "GET":
        form.instance_id.data = str(uuid.uuid4())
        form.region_id.data = REGION_FROM_NIK
        return render_template(INCOME_FORM, form=form, record=None)
    saved, reply = _save_income(form, None)
    if reply is not None:
        return reply
    transaction.commit()  # a duplicate keeps the KPM row; the sample itself was stored before
    next_url = url_for("monitoring.income_new")
    if not saved.created:
        return queue_replies.saved("Sampel ini sudah diterima sebelumnya.", next_url, record_id=saved.sample.id,
                                   status="duplicate")
    return queue_replies.saved(f"Sampel KPM {nik_service.masked(saved.sample.kpm.nik_last4)} tersimpan.", next_url,
                               record_id=saved.sample.id, warnings=saved.warnings)


@bp.get("/pendapatan")
@role_required("monitor", "analyst", "admin")
def income_list():
    filters, number = _filters(), paging.page_number()
    filters.code = request.args.get("program", "")
    listing = lists.income_list(filters, current_user, number, PAGE_SIZE)
    prev, nxt = _page_links(number, listing.has_next)
    return render_template("monitoring/income_list.html", rows=listing.rows, prev=prev, nxt=nxt,
                           programs=listing.choices, regions=listing.regions, summary=listing.summary,
                           args=request.args)


@bp.get("/pendapatan/<int:record_id>")
@role_required("monitor", "analyst", "admin")
def income_detail(record_id: int):
    record = get_scoped_or_404(IncomeSample, record_id)
    detail = lists.income_detail(record, current_user)
    reject = RejectForm() if current_user.role in ("analyst", "admin") and record.status == "valid" else None
    return render_template("monitoring/income_detail.html", record=record, rounds=detail.rounds, band=detail.band,
                           graduation=detail.graduation, earliest=detail.earliest, editable=_editable(record),
                           reject=reject)


@bp.route("/pendapatan/<int:record_id>/ubah", methods=["GET", "POST"])
@role_required("monitor")
def income_edit(record_id: int):
    record = get_scoped_or_404(IncomeSample, record_id)
    if not _editable(record):
        return error_response(403, "Masa koreksi sudah lewat atau sampel ini tidak dapat diubah.")
    form = IncomeSampleForm(obj=record)
    _income_choices(form)
    if request.method == "GET":
        return render_template(INCOME_FORM, form=form, record=record)
    saved, reply = _save_income(form, record)
    if reply is not None:
        return reply
    transaction.commit()
    return queue_replies.saved("Koreksi tersimpan.", url_for("monitoring.income_detail", record_id=record.id),
                               record_id=record.id, warnings=saved.warnings)


@bp.post("/pendapatan/<int:record_id>/tolak")
@role_required("analyst", "admin")
def income_reject(record_id: int):
    return _reject(get_scoped_or_404(IncomeSample, record_id), "monitoring.income_detail")


@bp.app_template_global("reference_stamp")
def reference_stamp() -> str:
    """When this page's reference data (pendamping list, checklist, programmes, regions) was read, in the
    unit's local time: a form reopened offline from the service worker's cache shows how old its lists are."""
    zone = current_user.unit.timezone if current_user.is_authenticated and current_user.unit else "Asia/Jakarta"
    local = utcnow().replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    return f"{local:%d-%m-%Y %H:%M} {TIMEZONES.get(zone, zone).split()[0]}"


@bp.app_template_global("masked_nik")
def masked_nik(last4: str) -> str:
    return nik_service.masked(last4)


bp.add_app_template_filter(income_samples.rupiah, "rupiah")
