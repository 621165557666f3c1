"""Field monitoring pages: pendamping checks and KPM income samples.

Forms post HTML normally and answer JSON to the offline queue (Accept:
application/json): {"status": "ok" | "duplicate"} on success, 422 with field
errors, 409 for a second record of the same pendamping and period, and 401
(not a login redirect) when the session has expired. Every lookup goes
through app.core.scoping, so another monitor's record is simply not found.
"""
from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, select

from app.core import audit, paging
from app.core import nik as nik_service
from app.core.errors import error_response, wants_json
from app.core.idempotent import insert_or_nothing
from app.core.parsing import arg_int, parse_date
from app.core.periods import parse_period
from app.core.scoping import get_scoped_or_404, region_clause, region_subtree_ids, role_required, scoped
from app.extensions import db
from app.models import (
    ChecklistVersion,
    IncomeProgram,
    IncomeSample,
    Kpm,
    Pendamping,
    PendampingCheck,
    PendampingType,
    Region,
    utcnow,
)
from app.models.org import TIMEZONES
from app.monitoring import checklists, income_samples, observation_dates, visit_dates
from app.monitoring import stats as monitoring_stats
from app.monitoring.eligibility import earliest_eligible
from forms.monitoring import IncomeSampleForm, PendampingCheckForm, RejectForm

bp = Blueprint("monitoring", __name__, url_prefix="/pantau", cli_group=None)
PAGE_SIZE = 50
ANSWERS = {"ya": True, "tidak": False}
INVALID = "Periksa kembali isian yang ditandai."
WRONG_OWNER = ("Data ini dicatat oleh pengguna lain di perangkat ini, jadi tidak disimpan atas nama Anda. "
               "Data tetap di perangkat sampai pemiliknya masuk lagi.")



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

def _invalid(form_errors: dict, template: str, **context):
    if wants_json():
        return jsonify(status="invalid", message=INVALID, errors=form_errors), 422
    return render_template(template, **context), 422


def _conflict(message: str, template: str, existing=None, **context):
    """409: the offline outbox offers the existing record (its correction page while still editable)."""
    if wants_json():
        url = None
        if existing is not None:
            endpoint = "monitoring.check_edit" if _editable(existing) else "monitoring.check_detail"
            url = url_for(endpoint, record_id=existing.id)
        return jsonify(status="conflict", message=message, errors={"__all__": [message]},
                       existing_id=existing.id if existing else None, existing_url=url), 409
    flash(message, "error")
    return render_template(template, **context), 409


def _saved(message: str, record_id: int, warnings: list[str], next_url: str, status: str = "ok"):
    if wants_json():
        code = 201 if status == "ok" else 200
        return jsonify(status=status, id=record_id, message=" ".join([message, *warnings])), code
    flash(message, "success")
    for warning in warnings:
        flash(warning, "info")
    return redirect(next_url)


def _editable(record) -> bool:
    """The owning monitor may correct a valid record for MONITOR_EDIT_DAYS days after recording it."""
    days = current_app.config["MONITOR_EDIT_DAYS"]
    return (current_user.role == "monitor" and record.monitor_id == current_user.id and record.status == "valid"
            and record.created_at >= utcnow() - timedelta(days=days))


def _date_arg():
    """`?tanggal=YYYY-MM-DD` as a date; an unreadable date is a filter that cannot apply (ignored)."""
    try:
        return parse_date(request.args["tanggal"]) if request.args.get("tanggal", "").strip() else None
    except ValueError:
        return None


def _paginate(stmt):
    page = paging.paginate(stmt, PAGE_SIZE)
    return page.rows, page.prev_url, page.next_url


def _period_arg():
    text = request.args.get("periode", "").strip()
    if not text:
        return None
    try:
        return parse_period(text)
    except ValueError as err:
        abort(error_response(400, str(err)))


def _kabkota_choices() -> list[tuple[int, str]]:
    stmt = select(Region).where(Region.level == "kabkota").order_by(Region.code)
    clause = region_clause(Region.id, current_user)
    if clause is not None:
        stmt = stmt.where(clause)
    return [(r.id, f"{r.code} {r.name}") for r in db.session.scalars(stmt)]


def _region_filter_choices() -> list[tuple[int, str]]:
    stmt = select(Region).where(Region.level.in_(("provinsi", "kabkota"))).order_by(Region.code)
    return [(r.id, f"{r.code} {r.name}") for r in db.session.scalars(stmt)]


def _gps_warning(form) -> tuple[bool, list[str]]:
    accuracy = form.gps_accuracy_m.data
    limit = current_app.config["GPS_ACCURACY_WARN_METERS"]
    if accuracy is not None and accuracy > limit:
        return True, [f"Peringatan: akurasi GPS {accuracy:.0f} m lebih buruk dari batas {limit:.0f} m; "
                      "catatan tetap tersimpan dan ditandai."]
    return False, []


def _visit_date_errors(form, period, errors: dict, unit_id: int) -> None:
    """A parsed visit date must lie in the check's period and not after the unit's today (services.visit_dates)."""
    if form.visit_date.errors or form.visit_date.data is None:
        return
    messages = visit_dates.visit_date_errors(form.visit_date.data, period, observation_dates.unit_today(unit_id))
    if messages:
        form.visit_date.errors = [*form.visit_date.errors, *messages]
        errors["visit_date"] = list(form.visit_date.errors)


def _gps_errors(form) -> None:
    if (form.latitude.data is None) != (form.longitude.data is None):
        form.longitude.errors = [*form.longitude.errors, "Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."]


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

def _answers_from_request(version: ChecklistVersion, errors: dict) -> dict[str, bool]:
    answers = {}
    for criterion in version.criteria:
        raw = request.form.get(f"k_{criterion.code}", "")
        if raw not in ANSWERS:
            errors[f"k_{criterion.code}"] = ["Pilih ya atau tidak."]
        else:
            answers[criterion.code] = ANSWERS[raw]
    return answers


def _check_form_context(ptype: PendampingType, form, version: ChecklistVersion, errors: dict, answers=None):
    kind = current_app.config["PENDAMPING_PERIOD_KIND"]
    return {"form": form, "ptype": ptype, "version": version, "errors": errors, "answers": answers or {},
            "period_hint": {"year": "mis. 2025", "semester": "mis. 2025-S1", "quarter": "mis. 2025-Q1",
                            "month": "mis. 2025-03"}.get(kind, "")}


@bp.get("/pendamping/catat")
@role_required("monitor")
def check_new():
    code = request.args.get("jenis", "")
    ptype = db.session.scalar(select(PendampingType).where(PendampingType.code == code, PendampingType.active))
    if ptype is None:
        types = db.session.scalars(select(PendampingType).where(PendampingType.active)
                                   .order_by(PendampingType.sort_order, PendampingType.name)).all()
        return render_template("monitoring/check_choose_type.html", types=types)
    version = checklists.version_in_force(ptype.id)
    if version is None:
        abort(404)
    form = PendampingCheckForm(instance_id=str(uuid.uuid4()), checklist_version_id=str(version.id),
                               period=str(_default_period()))
    form.pendamping_id.choices = _pendamping_choices(ptype.id)
    return render_template("monitoring/check_form.html", **_check_form_context(ptype, form, version, {}))


def _default_period():
    from app.core.periods import current_period

    return current_period(current_user.unit.timezone, current_app.config["PENDAMPING_PERIOD_KIND"])


def _pendamping_choices(type_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(scoped(Pendamping).with_only_columns(Pendamping.id, Pendamping.identifier,
                                                                   Pendamping.name)
                              .where(Pendamping.type_id == type_id, Pendamping.status == "aktif")
                              .order_by(Pendamping.name).limit(5000)).all()
    return [(0, "— pilih pendamping —")] + [(i, f"{name} ({ident})") for i, ident, name in rows]


@bp.post("/pendamping/catat")
@role_required("monitor")
def check_create():
    form = PendampingCheckForm()
    form.pendamping_id.validate_choice = False
    form.pendamping_id.choices = []
    errors: dict[str, list[str]] = {}
    form.validate()
    errors.update(form.errors)
    pendamping = None
    if form.pendamping_id.data:
        pendamping = db.session.scalar(scoped(Pendamping).where(Pendamping.id == form.pendamping_id.data))
        if pendamping is None:
            errors["pendamping_id"] = ["Pendamping tidak ditemukan di wilayah Anda."]
    period = None
    if form.period.data:
        try:
            period = parse_period(form.period.data)
        except ValueError as err:
            errors["period"] = [str(err)]
        else:
            if period.kind != current_app.config["PENDAMPING_PERIOD_KIND"]:
                errors["period"] = ["Jenis periode tidak sesuai pengaturan monitoring (mis. "
                                    f"{_default_period()})."]
            else:
                _visit_date_errors(form, period, errors, pendamping.unit_id if pendamping else current_user.unit_id)
    version = None
    if pendamping is not None:
        version, outdated = checklists.resolve(pendamping.type_id, form.checklist_version_id.data)
        if outdated:
            errors["checklist_version_id"] = [outdated]
            errors["__all__"] = [outdated]
    answers = _answers_from_request(version, errors) if version is not None else {}
    _gps_errors(form)
    if form.longitude.errors:
        errors["longitude"] = list(form.longitude.errors)

    ptype = pendamping.type if pendamping else db.session.scalar(
        select(PendampingType).where(PendampingType.code == request.args.get("jenis", "")))
    if errors:
        if ptype is None or version is None:
            if wants_json():
                return jsonify(status="invalid", message=INVALID, errors=errors), 422
            return error_response(400, "Pendamping tidak valid. Muat ulang formulir.")
        form.pendamping_id.choices = _pendamping_choices(ptype.id)
        return _invalid(errors, "monitoring/check_form.html",
                        **_check_form_context(ptype, form, version, errors, answers))

    gps_warning, warnings = _gps_warning(form)
    instance_id = uuid.UUID(form.instance_id.data)
    values = {
        "instance_id": instance_id, "pendamping_id": pendamping.id, "period": period.code,
        "period_start": period.start, "period_end": period.end, "visit_date": form.visit_date.data,
        "monitor_id": current_user.id, "unit_id": pendamping.unit_id, "region_id": pendamping.region_id,
        "type_id": pendamping.type_id, "method": form.method.data, "checklist_version_id": version.id,
        "answers": answers, "optimal": checklists.optimal(version, answers), "latitude": form.latitude.data,
        "longitude": form.longitude.data, "gps_accuracy_m": form.gps_accuracy_m.data, "gps_warning": gps_warning,
        "notes": form.notes.data or None, "status": "valid", "created_at": utcnow(), "updated_at": utcnow(),
    }
    next_url = url_for("monitoring.check_new", jenis=pendamping.type.code)
    if not insert_or_nothing(PendampingCheck, values):
        db.session.rollback()
        existing = db.session.scalar(select(PendampingCheck).where(PendampingCheck.instance_id == instance_id))
        if existing is not None:
            return _saved("Catatan ini sudah diterima sebelumnya.", existing.id, [], next_url, status="duplicate")
        message = (f"Pendamping {pendamping.name} sudah dimonitor untuk periode {period.label}. "
                   "Satu catatan per pendamping per periode; ubah catatan yang sudah ada.")
        form.pendamping_id.choices = _pendamping_choices(pendamping.type_id)
        taken = db.session.scalar(scoped(PendampingCheck).where(
            PendampingCheck.pendamping_id == pendamping.id, PendampingCheck.period == period.code))
        return _conflict(message, "monitoring/check_form.html", existing=taken,
                         **_check_form_context(pendamping.type, form, version, {}, answers))
    record = db.session.scalar(select(PendampingCheck).where(PendampingCheck.instance_id == instance_id))
    audit.record("create", record, actor=current_user)
    db.session.commit()
    outcome = "optimal sesuai standar" if record.optimal else "belum optimal"
    return _saved(f"Monitoring {pendamping.name} tersimpan: {outcome}.", record.id, warnings, next_url)


@bp.get("/pendamping")
@role_required("monitor", "analyst", "admin")
def check_list():
    C = PendampingCheck
    stmt = scoped(C).join(C.pendamping).order_by(C.visit_date.desc(), C.id.desc())
    period = _period_arg()
    if period:
        stmt = stmt.where(C.period_start >= period.start, C.period_end <= period.end)
    type_code = request.args.get("jenis", "")
    if type_code:
        stmt = stmt.where(C.type_id == select(PendampingType.id).where(PendampingType.code == type_code)
                          .scalar_subquery())
    region_id = arg_int("wilayah")
    if region_id:
        stmt = stmt.where(C.region_id.in_(region_subtree_ids(region_id)))
    outcome = request.args.get("hasil", "")
    if outcome in ("optimal", "belum"):
        stmt = stmt.where(C.optimal.is_(outcome == "optimal"))
    status = request.args.get("status", "")
    if status in ("valid", "rejected"):
        stmt = stmt.where(C.status == status)
    if request.args.get("tanda") == "gps":
        stmt = stmt.where(C.gps_warning.is_(True))
    stmt = paging.search(stmt, Pendamping.name, Pendamping.identifier)
    if day := _date_arg():
        stmt = stmt.where(C.visit_date == day)
    rows, prev, nxt = _paginate(stmt)
    summary = None
    if current_user.role != "monitor":
        summary = monitoring_stats.pendamping_outcomes(current_user.unit_id, type_code or None, region_id, period)
    types = db.session.scalars(select(PendampingType).order_by(PendampingType.sort_order)).all()
    return render_template("monitoring/check_list.html", rows=rows, prev=prev, nxt=nxt, types=types,
                           regions=_region_filter_choices(), summary=summary, args=request.args)


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
    version = record.checklist_version
    form = PendampingCheckForm(obj=record)
    del form.pendamping_id
    form.period.data = record.period
    errors: dict[str, list[str]] = {}
    answers = dict(record.answers)
    if request.method == "POST":
        form.validate()
        errors = {k: v for k, v in form.errors.items() if k not in ("period", "instance_id")}
        _visit_date_errors(form, parse_period(record.period), errors, record.unit_id)
        answers = _answers_from_request(version, errors)
        _gps_errors(form)
        if form.longitude.errors:
            errors["longitude"] = list(form.longitude.errors)
        if not errors:
            before = audit.snapshot(record)
            gps_warning, warnings = _gps_warning(form)
            for name in ("visit_date", "method", "latitude", "longitude", "gps_accuracy_m"):
                setattr(record, name, getattr(form, name).data)
            record.notes = form.notes.data or None
            record.answers = answers
            record.optimal = checklists.optimal(version, answers)
            record.gps_warning = gps_warning
            db.session.flush()
            audit.record("update", record, before=before, actor=current_user)
            db.session.commit()
            return _saved("Koreksi tersimpan.", record.id, warnings,
                          url_for("monitoring.check_detail", record_id=record.id))
    context = _check_form_context(record.type, form, version, errors, answers)
    return render_template("monitoring/check_form.html", record=record, **context), (422 if errors else 200)


@bp.post("/pendamping/<int:record_id>/tolak")
@role_required("analyst", "admin")
def check_reject(record_id: int):
    return _reject(get_scoped_or_404(PendampingCheck, record_id), "monitoring.check_detail")


def _reject(record, detail_endpoint: str):
    form = RejectForm()
    if record.status != "valid":
        return error_response(409, "Catatan ini sudah ditolak.")
    if not form.validate_on_submit():
        flash("; ".join(m for msgs in form.errors.values() for m in msgs), "error")
        return redirect(url_for(detail_endpoint, record_id=record.id))
    before = audit.snapshot(record)
    record.status = "rejected"
    record.rejected_reason = form.reason.data.strip()
    record.rejected_by_id = current_user.id
    record.rejected_at = utcnow()
    db.session.flush()
    audit.record("reject", record, before=before, actor=current_user)
    db.session.commit()
    flash("Catatan ditolak dan tidak dihitung dalam indikator (tetap tersimpan).", "success")
    return redirect(url_for(detail_endpoint, record_id=record.id))


# ---- income samples ------------------------------------------------------------

REGION_FROM_NIK = 0  # the new-sample form's first kab/kota choice: "take it from the NIK"


def _income_choices(form: IncomeSampleForm, creating: bool = False) -> None:
    programs = db.session.scalars(select(IncomeProgram).where(IncomeProgram.active)
                                  .order_by(IncomeProgram.sort_order, IncomeProgram.name)).all()
    form.program_id.choices = [(p.id, p.name) for p in programs]
    form.region_id.choices = _kabkota_choices()
    if creating:
        form.region_id.choices.insert(0, (REGION_FROM_NIK, "— sesuai kode wilayah NIK —"))


def _region_from_nik(form: IncomeSampleForm, nik: str | None) -> str | None:
    """Fill region_id from the NIK's kab/kota code when the monitor left the default; an error otherwise."""
    if form.region_id.data not in (None, REGION_FROM_NIK):
        return None
    if nik is None:
        return "Pilih kabupaten/kota (atau isi NIK yang benar)."
    code = nik_service.region_code(nik)
    for region_id, label in form.region_id.choices:
        if region_id != REGION_FROM_NIK and label.split(" ", 1)[0] == code:
            form.region_id.data = region_id
            return None
    return f"Kode wilayah NIK ({code}) bukan kabupaten/kota di wilayah Anda; pilih kabupaten/kota."


def _income_errors(form: IncomeSampleForm, creating: bool, unit_id: int) -> tuple[dict, str | None]:
    """Form errors plus the shared sample rules (income_samples.sample_errors), shown inline on their fields."""
    form.validate()
    errors = dict(form.errors)
    nik = None
    if creating:
        nik = nik_service.normalise(form.nik.data)
        if nik is None:
            errors["nik"] = [nik_service.INVALID_NIK]
        if "region_id" not in errors and (message := _region_from_nik(form, nik)):
            form.region_id.errors = [*form.region_id.errors, message]
            errors["region_id"] = list(form.region_id.errors)
    values = {k: (None if k in errors else v) for k, v in _income_values(form).items()}
    for name, messages in income_samples.sample_errors(values, observation_dates.unit_today(unit_id)).items():
        field = getattr(form, name)
        field.errors = [*field.errors, *messages]
        errors[name] = list(field.errors)
    limit = current_app.config["INCOME_SANITY_MAX"]
    too_large = [v for v in (form.income_before.data, form.income_after.data)
                 if isinstance(v, int) and v > limit]
    if too_large and not form.confirm_large.data:
        errors["confirm_large"] = [f"Pendapatan Rp{rupiah(max(too_large))} di atas batas wajar Rp{rupiah(limit)} "
                                   "per bulan. Periksa lagi; bila benar, centang konfirmasi ini."]
    return errors, nik


def _income_values(form: IncomeSampleForm) -> dict:
    return {
        "program_id": form.program_id.data, "region_id": form.region_id.data, "cohort_year": form.cohort_year.data,
        "intervention_date": form.intervention_date.data, "monitoring_date": form.monitoring_date.data,
        "household_size": form.household_size.data, "measure": form.measure.data,
        "income_before": form.income_before.data, "income_after": form.income_after.data,
        "business_status": form.business_status.data, "notes": form.notes.data or None,
    }


def _eligibility_note(sample_values: dict) -> list[str]:
    if sample_values["eligible"]:
        return []
    first = earliest_eligible(sample_values["intervention_date"])
    return [f"Monitoring kurang dari 3 bulan setelah intervensi (paling cepat {first:%d-%m-%Y}); "
            "sampel disimpan dan ditandai, tetapi tidak dihitung dalam indikator."]


@bp.route("/pendapatan/catat", methods=["GET", "POST"])
@role_required("monitor")
def income_new():
    form = IncomeSampleForm()
    _income_choices(form, creating=True)
    if request.method == "GET":
        form.instance_id.data = str(uuid.uuid4())
        form.region_id.data = REGION_FROM_NIK
        return render_template("monitoring/income_form.html", form=form, record=None)
    errors, nik = _income_errors(form, creating=True, unit_id=current_user.unit_id)
    if errors:
        return _invalid(errors, "monitoring/income_form.html", form=form, record=None)
    instance_id = uuid.UUID(form.instance_id.data)
    existing = db.session.scalar(select(IncomeSample.id).where(IncomeSample.instance_id == instance_id))
    if existing is not None:
        return _saved("Sampel ini sudah diterima sebelumnya.", existing, [], url_for("monitoring.income_new"),
                      status="duplicate")
    try:
        record, created = income_samples.save({
            **_income_values(form), "instance_id": instance_id, "unit_id": current_user.unit_id,
            "monitor_id": current_user.id, "source": "web", "status": "valid",
            "created_at": utcnow(), "updated_at": utcnow(),
        }, nik=nik)
    except income_samples.SampleInvalid as err:  # the rules were checked above; a date may have just changed
        db.session.rollback()
        return _invalid(err.errors, "monitoring/income_form.html", form=form, record=None)
    if not created:
        db.session.commit()  # keep the KPM row; the sample itself raced in from another request
        return _saved("Sampel ini sudah diterima sebelumnya.", record.id, [], url_for("monitoring.income_new"),
                      status="duplicate")
    audit.record("create", record, actor=current_user)
    db.session.commit()
    return _saved(f"Sampel KPM {nik_service.masked(record.kpm.nik_last4)} tersimpan.", record.id,
                  _eligibility_note({"eligible": record.eligible, "intervention_date": record.intervention_date}),
                  url_for("monitoring.income_new"))


@bp.get("/pendapatan")
@role_required("monitor", "analyst", "admin")
def income_list():
    S = IncomeSample
    stmt = scoped(S).order_by(S.monitoring_date.desc(), S.id.desc())
    period = _period_arg()
    if period:
        stmt = stmt.where(S.period.between(period.start, period.end))
    program = request.args.get("program", "")
    if program:
        stmt = stmt.where(S.program_id == select(IncomeProgram.id).where(IncomeProgram.code == program)
                          .scalar_subquery())
    region_id = arg_int("wilayah")
    if region_id:
        stmt = stmt.where(S.region_id.in_(region_subtree_ids(region_id)))
    outcome = request.args.get("hasil", "")
    if outcome in ("naik", "tidak"):
        stmt = stmt.where(S.increased.is_(outcome == "naik"))
    eligibility = request.args.get("kelayakan", "")
    if eligibility in ("layak", "belum"):
        stmt = stmt.where(S.eligible.is_(eligibility == "layak"))
    status = request.args.get("status", "")
    if status in ("valid", "rejected"):
        stmt = stmt.where(S.status == status)
    last4 = request.args.get("nik", "").strip()
    if last4:  # only the last four digits are ever stored; anything else matches nothing
        stmt = stmt.where(S.kpm_id.in_(select(Kpm.id).where(Kpm.nik_last4 == last4[-4:])))
    if day := _date_arg():
        stmt = stmt.where(S.monitoring_date == day)
    rows, prev, nxt = _paginate(stmt)
    summary = None
    if current_user.role != "monitor":
        summary = monitoring_stats.income_outcomes(current_user.unit_id, program or None, None, period,
                                                   region_id=region_id)
    programs = db.session.scalars(select(IncomeProgram).order_by(IncomeProgram.sort_order)).all()
    return render_template("monitoring/income_list.html", rows=rows, prev=prev, nxt=nxt, programs=programs,
                           regions=_region_filter_choices(), summary=summary, args=request.args,)


@bp.get("/pendapatan/<int:record_id>")
@role_required("monitor", "analyst", "admin")
def income_detail(record_id: int):
    record = get_scoped_or_404(IncomeSample, record_id)
    # The panel: this KPM's other rounds in the same programme, as far as the user may see them.
    rounds = db.session.scalars(scoped(IncomeSample).where(
        and_(IncomeSample.kpm_id == record.kpm_id, IncomeSample.program_id == record.program_id))
        .order_by(IncomeSample.monitoring_date)).all()
    reject = RejectForm() if current_user.role in ("analyst", "admin") and record.status == "valid" else None
    return render_template("monitoring/income_detail.html", record=record, rounds=rounds,
                           band=income_samples.band_for(record), graduation=income_samples.graduation_for(rounds),
                           earliest=earliest_eligible(record.intervention_date), editable=_editable(record),
                           reject=reject)


@bp.route("/pendapatan/<int:record_id>/ubah", methods=["GET", "POST"])
@role_required("monitor")
def income_edit(record_id: int):
    record = get_scoped_or_404(IncomeSample, record_id)
    if not _editable(record):
        return error_response(403, "Masa koreksi sudah lewat atau sampel ini tidak dapat diubah.")
    form = IncomeSampleForm(obj=record)
    _income_choices(form)
    if request.method == "POST":
        errors, _ = _income_errors(form, creating=False, unit_id=record.unit_id)
        errors.pop("instance_id", None)
        if errors:
            return _invalid(errors, "monitoring/income_form.html", form=form, record=record)
        before = audit.snapshot(record)
        try:
            income_samples.save(_income_values(form), existing=record)
        except income_samples.SampleInvalid as err:
            db.session.rollback()
            return _invalid(err.errors, "monitoring/income_form.html", form=form, record=record)
        audit.record("update", record, before=before, actor=current_user)
        db.session.commit()
        values = {"eligible": record.eligible, "intervention_date": record.intervention_date}
        return _saved("Koreksi tersimpan.", record.id, _eligibility_note(values),
                      url_for("monitoring.income_detail", record_id=record.id))
    return render_template("monitoring/income_form.html", form=form, record=record)


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


@bp.app_template_filter("rupiah")
def rupiah(value) -> str:
    if value is None:
        return "—"
    return "Rp" + f"{int(value):,}".replace(",", ".")


def filter_url(**changes) -> str:
    return paging.page_url(**changes)
