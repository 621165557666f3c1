"""The public SKM survey: /s/ (list), /s/<slug> (form and submit), the thank-you
page and the service worker that lets an opened form be finished offline.

The POST is exempt from the session CSRF token (docs/SECURITY.md): it is
anonymous and a queued answer may arrive hours later. It is defended instead by
a same-origin check, a rate limit, a honeypot, strict validation and
instance_id idempotency.
"""
from __future__ import annotations

import functools
import hashlib
import os
import uuid
from urllib.parse import urlsplit

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from analysis.ikm import UNSUR
from app.core.errors import error_response, wants_json
from app.core.static_assets import minified_js
from app.extensions import csrf, db, limiter
from app.models import Layanan, Unit
from app.services import skm_import, skm_submit, survey_lookup
from forms.survey import SurveyForm

bp = Blueprint("survey", __name__, cli_group=None)

DEFAULT_RATE_LIMIT = "120 per minute;2000 per hour"  # per address: many phones share one carrier-NAT IP
DEVICE_COOKIE_AGE = 365 * 24 * 3600
CROSS_ORIGIN = "Formulir hanya dapat dikirim dari situs ini."


def survey_rate_limit() -> str:
    return current_app.config.get("SURVEY_RATE_LIMIT") or os.environ.get("SURVEY_RATE_LIMIT") or DEFAULT_RATE_LIMIT


def _active_layanan(slug: str) -> Layanan:
    if len(slug) > 80:
        abort(404)
    layanan = db.session.scalar(
        select(Layanan).join(Layanan.unit).where(Layanan.slug == slug, Layanan.active, Unit.active)
    )
    if layanan is None:
        abort(404)
    return layanan


def category_choices() -> list[tuple[int, str]]:
    return survey_lookup.category_choices()


def _same_origin() -> bool:
    """Reject a POST whose Origin or Referer names another host (a cross-site form)."""
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            return urlsplit(value).netloc == request.host
    return True  # neither header: old browsers and privacy settings; the other defences still apply


def _render_form(layanan: Layanan, form: SurveyForm, status: int = 200):
    if not form.instance_id.data or form.instance_id.errors:
        form.instance_id.data = str(uuid.uuid4())  # no-JS path: the server supplies a fresh id
    form.started.data = skm_submit.start_token(layanan.id)
    response = make_response(render_template("survey/form.html", layanan=layanan, form=form, unsur=UNSUR), status)
    response.headers["Cache-Control"] = "no-cache"
    if not request.cookies.get(skm_submit.DEVICE_COOKIE):
        response.set_cookie(skm_submit.DEVICE_COOKIE, skm_submit.new_device_token(), max_age=DEVICE_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=current_app.config.get("PRODUCTION", False))
    return response


def _thanks_url(layanan) -> str:
    return url_for("survey.thanks", slug=layanan.slug)


def receipt_code(instance_id: str) -> str:
    """The respondent's short receipt: the first 8 hex digits of the instance_id, as ABCD-1234.
    offline-queue.js derives the same code on the device before the answer is sent (docs/OFFLINE.md)."""
    digits = "".join(c for c in instance_id[:36] if c in "0123456789abcdefABCDEF")[:8].upper()
    return f"{digits[:4]}-{digits[4:]}"


def _success(layanan, status: str):
    if wants_json():
        return jsonify(status=status, redirect=_thanks_url(layanan),
                       receipt=receipt_code(request.form.get("instance_id", "")))
    return redirect(_thanks_url(layanan), code=303)


@bp.get("/s/")
def index():
    rows = db.session.scalars(
        select(Layanan).join(Layanan.unit).where(Layanan.active, Unit.active).order_by(Unit.name, Layanan.name)
    ).all()
    return render_template("survey/index.html", rows=rows)


@bp.route("/s/<slug>", methods=["GET", "POST"])
@limiter.limit(survey_rate_limit, methods=["POST"])
def form(slug: str):
    if request.method == "GET":
        return _render_form(_active_layanan(slug), SurveyForm(formdata=None, categories=category_choices()))

    # The POST is the hot path (issue 14): the layanan comes from the per-process cache, no ORM load.
    layanan = survey_lookup.active_layanan(slug) if len(slug) <= 80 else None
    if layanan is None:
        abort(404)
    if not _same_origin():
        return error_response(403, CROSS_ORIGIN)
    form = SurveyForm(categories=category_choices())
    if form.website.data:
        # A bot filled the hidden field: answer like a success so it learns nothing, store nothing.
        current_app.logger.info("survey honeypot triggered for %s", layanan.slug)
        return _success(layanan, "ok")
    if not form.validate():
        if wants_json():
            return jsonify(status="invalid", message="Periksa kembali isian yang ditandai.", errors=form.errors), 422
        return _render_form(_active_layanan(slug), form, status=422)
    result = skm_submit.submit_web(layanan, form, request.cookies.get(skm_submit.DEVICE_COOKIE))
    return _success(layanan, "ok" if result.created else "duplicate")


csrf.exempt(form)


@bp.get("/s/<slug>/terima-kasih")
def thanks(slug: str):
    layanan = _active_layanan(slug)
    return render_template("survey/thanks.html", layanan=layanan)


@bp.get("/sw.js")
def service_worker():
    """Served from the root so it may control /s/ and /pantau/ pages (registered with scope /).

    The worker's cache name carries the deployment's version: OFFLINE_SHELL_VERSION if set, else a hash
    of the static files, so every deployment that changes them installs a new worker and cache (the
    queued items live in IndexedDB and are never dropped; docs/OFFLINE.md)."""
    version = current_app.config.get("OFFLINE_SHELL_VERSION") or _static_hash(current_app.static_folder)
    body = minified_js(os.path.join(current_app.static_folder, "sw.js")).replace(b"__VERSION__", version.encode())
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@functools.cache
def _static_hash(folder: str) -> str:
    digest = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(folder)):
        dirs.sort()
        for name in sorted(files):
            with open(os.path.join(base, name), "rb") as handle:
                digest.update(name.encode() + handle.read())
    return digest.hexdigest()[:12]


@bp.cli.command("import-skm")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--layanan", "slug", required=True, help="Slug layanan, mis. izin-ugb")
def import_skm(path: str, slug: str) -> None:
    """Import legacy SKM answers from CSV (all or nothing; re-importing adds nothing).

    Columns: tanggal,u1..u9 and optionally instance_id, jenis_kelamin, usia, pendidikan,
    pekerjaan, unsur_responden, tanggal_layanan, kritik_saran.
    """
    layanan = db.session.scalar(select(Layanan).where(Layanan.slug == slug.strip().lower()))
    if layanan is None:
        raise click.BadParameter(f"layanan '{slug}' tidak ditemukan", param_hint="--layanan")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            result = skm_import.import_csv(handle, layanan)
    except UnicodeDecodeError:
        click.echo("Berkas harus berupa teks UTF-8 (simpan ulang sebagai CSV UTF-8).", err=True)
        raise SystemExit(1) from None
    except skm_import.SkmImportError as err:
        for message in err.errors:
            click.echo(message, err=True)
        click.echo(f"Tidak ada yang diimpor: {len(err.errors)} kesalahan.", err=True)
        raise SystemExit(1) from None
    click.echo(f"SKM {layanan.slug}: {result.rows} baris valid, {result.created} baru, "
               f"{result.existing} sudah ada sebelumnya.")
