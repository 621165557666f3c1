"""/api/v1: thin views over app.api.reads and app.api.writes, plus the bearer-token gate.

Every /api/ request is authenticated by its `Authorization: Bearer` token alone: the gate sets
the request's user from the token, so a session cookie is never consulted (and a token is never
looked at outside /api/). The API is CSRF-exempt: a cross-site page cannot set the header.
"""
from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint as FlaskBlueprint
from flask import current_app, g, render_template, request
from flask_login import current_user
from flask_smorest import Blueprint
from limits import parse_many

from app.api import reads, reference_reads, schemas, tokens, writes
from app.api.parser import Parser
from app.core import transaction
from app.core.errors import error_response
from app.core.periods import parse_period
from app.extensions import limiter
from app.reports import scope as report_scope
from app.skm import rules

PREFIXES = ("/api/", "/odata/")
OPEN_ENDPOINTS = ("api_docs.openapi_json", "api_docs.docs")
UNAUTHORISED = "Token API tidak ada, tidak sah, sudah dicabut, kedaluwarsa, atau akunnya tidak aktif."

class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = Parser()


bp = _Blueprint("api_v1", __name__, url_prefix="/api/v1", description="Pantau API v1")
docs_bp = FlaskBlueprint("api_docs", __name__, url_prefix="/api/v1")


def authenticate_request():
    """App-wide before_request: on API paths, the token (and only it) names the user.

    /api/ takes it as `Authorization: Bearer`; /odata/ also as the password of Basic auth, because
    Excel and Power BI can send only that (the user name is ignored: any text, e.g. one's email).
    """
    if not request.path.startswith(PREFIXES) or request.endpoint in OPEN_ENDPOINTS:
        return None
    secret = tokens.secret_from_header(request.headers.get("Authorization", ""),
                                       allow_basic=request.path.startswith("/odata/"))
    token = tokens.authenticate(secret) if secret else None
    if token is None:
        transaction.rollback()
        refused = error_response(401, UNAUTHORISED)
        if request.path.startswith("/odata/"):  # Excel and Power BI ask for "Dasar" credentials on this
            refused.headers["WWW-Authenticate"] = 'Basic realm="Pantau OData", charset="UTF-8"'
        return refused
    transaction.commit()  # last_used_at, written at most once a minute
    for item in parse_many(current_app.config["API_RATE_LIMIT"]):
        if not limiter.limiter.hit(item, "api-token", str(token.id)):
            return error_response(429)
    g._login_user = token.user  # Flask-Login's per-request user: the session is never loaded
    g.api_token_scope = token.scope
    return None


def _role(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                return error_response(403, "Peran akun token ini tidak boleh membaca data ini.")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _write(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("api_token_scope") != "write":
            return error_response(403, "Token ini hanya untuk membaca; buat token dengan cakupan 'write'.")
        return view(*args, **kwargs)
    return wrapped


def _page(read, query: dict, **filters):
    try:
        page = read(current_user, query["cursor"], query["limit"], **filters)
    except reads.BadCursor as err:
        return error_response(422, str(err))
    return {"items": page.items, "next": page.next}


@bp.get("/units")
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.Page)
def units(query):
    """Unit dalam cakupan token."""
    return _page(reads.units, query)


@bp.get("/layanan")
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.Page)
def layanan(query):
    """Layanan dalam cakupan token."""
    return _page(reads.layanan, query)


@bp.get("/regions")
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.Page)
def regions(query):
    """Wilayah (data rujukan)."""
    return _page(reads.regions, query)


@bp.get("/skm/responses")
@bp.arguments(schemas.ResponsesQuery, location="query")
@bp.response(200, schemas.Page)
@_role("analyst", "admin")
def responses(query):
    """Jawaban SKM dalam cakupan, dengan penandanya."""
    try:
        period = parse_period(query["period"]) if query["period"] else None
    except ValueError as err:
        return error_response(422, str(err))
    return _page(reads.responses, query, layanan_id=query["layanan_id"], unit_id=query["unit_id"], period=period,
                 updated_since=query["updated_since"])


@bp.post("/skm/responses")
@bp.arguments(schemas.SkmResponseIn)
@bp.response(201, description="Tersimpan: rekaman yang disimpan")
@bp.alt_response(200, description="instance_id ini sudah tersimpan")
@_write
def submit_response(body):
    """Simpan satu jawaban SKM (kanal "api"); idempoten menurut instance_id."""
    try:
        written = writes.submit_response(current_user, body)
    except writes.NotFound:
        return error_response(404, "Layanan tidak ditemukan atau tidak aktif.")
    except rules.InvalidResponse as err:
        transaction.rollback()
        return _invalid(err.errors)
    transaction.commit()
    return written.record, 201 if written.created else 200


@bp.get("/reports/ikm")
@bp.arguments(schemas.ReportQuery, location="query")
@bp.response(200, description="Isi yang sama dengan unduhan ikm.json")
@_role("analyst", "admin")
def ikm_report(query):
    """Laporan IKM (isi yang sama dengan unduhan ikm.json)."""
    try:
        document = reads.ikm_report(current_user, unit_id=query["unit_id"], layanan_id=query["layanan_id"],
                                    period=query["period"], exclude_flagged=query["exclude_flagged"],
                                    instance_path=current_app.instance_path)
    except report_scope.OutOfScope:
        return error_response(404, "Unit atau layanan tidak ditemukan dalam cakupan Anda.")
    except (ValueError, report_scope.BadFilter) as err:
        return error_response(422, getattr(err, "message", str(err)))
    return document


@bp.get("/monitoring/checks")
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.Page)
def checks(query):
    """Pemeriksaan pendamping dalam cakupan."""
    return _page(reads.checks, query)


@bp.get("/monitoring/income-samples")
@bp.arguments(schemas.PageQuery, location="query")
@bp.response(200, schemas.Page)
def income_samples(query):
    """Sampel pendapatan KPM dalam cakupan; NIK hanya tersamar."""
    return _page(reads.income_samples, query)


@bp.post("/monitoring/checks")
@bp.arguments(schemas.CheckIn)
@bp.response(201, description="Tersimpan: rekaman yang disimpan")
@bp.alt_response(200, description="instance_id ini sudah tersimpan")
@_write
@_role("monitor")
def create_check(body):
    """Catat satu pemeriksaan pendamping (peran monitor); idempoten menurut instance_id."""
    return _written(lambda: writes.create_check(
        current_user, body, period_kind=current_app.config["PENDAMPING_PERIOD_KIND"],
        gps_limit=current_app.config["GPS_ACCURACY_WARN_METERS"]))


@bp.post("/monitoring/income-samples")
@bp.arguments(schemas.IncomeSampleIn)
@bp.response(201, description="Tersimpan: rekaman yang disimpan")
@bp.alt_response(200, description="instance_id ini sudah tersimpan")
@_write
@_role("monitor")
def save_income_sample(body):
    """Catat satu sampel pendapatan KPM (peran monitor); idempoten menurut instance_id."""
    return _written(lambda: writes.save_income_sample(current_user, body))


@bp.get("/indicators")
@bp.arguments(schemas.IndicatorQuery, location="query")
@bp.response(200, schemas.IndicatorPage)
@_role("analyst", "admin")
def indicators(query):
    """Indikator aktif dalam cakupan dengan realisasi, interval, target dan capaian (seperti halaman indikator)."""
    return _page(reads.indicators, query, year=query["year"] or _this_year(), unit_id=query["unit_id"])


@bp.get("/indicators/<int:indicator_id>")
@bp.arguments(schemas.IndicatorDetailQuery, location="query")
@bp.response(200, schemas.IndicatorRealisasi)
@_role("analyst", "admin")
def indicator(query, indicator_id):
    """Satu indikator dalam cakupan, seperti halaman rinciannya (termasuk revisi target yang dipilih)."""
    found = reads.indicator(current_user, indicator_id, year=query["year"] or _this_year(),
                            revision=query["revision"])
    return found if found is not None else error_response(404, "Indikator tidak ditemukan dalam cakupan Anda.")


def _this_year() -> int:
    return datetime.now(UTC).year  # as the indicator page: no year given, the current one


@bp.get("/monitoring/pendamping-types")
@bp.response(200, schemas.PendampingTypeList)
def pendamping_types():
    """Jenis pendamping dengan versi daftar periksa yang berlaku (data rujukan; daftar kecil tanpa halaman)."""
    return {"items": reference_reads.pendamping_types()}


@bp.get("/monitoring/checklists")
@bp.arguments(schemas.ChecklistQuery, location="query")
@bp.response(200, schemas.ChecklistPage)
def checklists(query):
    """Versi daftar periksa dengan kode kriterianya (data rujukan)."""
    return _page(reference_reads.checklists, query, type_code=query["type"], active=query["active"])


@bp.get("/monitoring/checklists/<int:version_id>")
@bp.response(200, schemas.Checklist)
def checklist(version_id):
    """Satu versi daftar periksa (data rujukan)."""
    found = reference_reads.checklist(version_id)
    return found if found is not None else error_response(404, "Versi daftar periksa tidak ditemukan.")


@bp.get("/monitoring/programs")
@bp.response(200, schemas.ProgramList)
def programs():
    """Program pemberdayaan untuk sampel pendapatan (data rujukan; daftar kecil tanpa halaman)."""
    return {"items": reference_reads.programs()}


@bp.get("/monitoring/poverty-lines")
@bp.arguments(schemas.PovertyLineQuery, location="query")
@bp.response(200, schemas.PovertyLinePage)
def poverty_lines(query):
    """Garis kemiskinan BPS per provinsi dan periode (data rujukan)."""
    return _page(reference_reads.poverty_lines, query, province_id=query["province_id"])


@bp.get("/monitoring/pendamping")
@bp.arguments(schemas.PendampingQuery, location="query")
@bp.response(200, schemas.PendampingPage)
@_role("monitor", "admin")
def pendamping(query):
    """Pendamping dalam cakupan: bagi monitor, pilihan formulir pemeriksaannya; bagi admin, registri."""
    return _page(reference_reads.pendamping, query, type_code=query["type"], status=query["status"])


def _written(write):
    try:
        written = write()
    except writes.Refused as refused:
        transaction.rollback()
        return error_response(refused.status, refused.message, errors=refused.errors)
    transaction.commit()
    return written.record, 201 if written.created else 200


def _invalid(errors: dict):
    return error_response(422, "Data tidak memenuhi aturan; lihat `errors`.", errors=errors)


@docs_bp.get("/openapi.json")
def openapi_json():
    return current_app.extensions["pantau_api"].spec.to_dict()


@docs_bp.get("/docs")
def docs():
    return render_template("api/docs.html")
