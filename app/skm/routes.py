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

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for

from analysis.ikm import UNSUR
from app.core import queue_replies, rate_limits, transaction
from app.core.errors import error_response, wants_json
from app.core.static_assets import minified_js
from app.extensions import csrf
from app.models import Layanan
from app.skm import layanan as layanan_service
from app.skm import lookup, rules, submit
from forms.skm import SurveyForm, SurveyPost, read_survey_post

bp = Blueprint("skm", __name__)

DEVICE_COOKIE_AGE = 365 * 24 * 3600
CROSS_ORIGIN = "Formulir hanya dapat dikirim dari situs ini."


def survey_rate_limit() -> str:
    """Read per request, so a test (or an operator's config override) changes it without a restart."""
    return current_app.config["SURVEY_RATE_LIMIT"]


def _active_layanan(slug: str) -> Layanan:
    layanan = layanan_service.active(slug)
    if layanan is None:
        abort(404)
    return layanan


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
    form.started.data = submit.start_token(layanan.id)
    response = make_response(render_template("skm/form.html", layanan=layanan, form=form, unsur=UNSUR), status)
    response.headers["Cache-Control"] = "no-cache"
    if not request.cookies.get(submit.DEVICE_COOKIE):
        response.set_cookie(submit.DEVICE_COOKIE, submit.new_device_token(), max_age=DEVICE_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=current_app.config.get("PRODUCTION", False))
    return response


def receipt_code(instance_id: str) -> str:
    """The respondent's short receipt: the first 8 hex digits of the instance_id, as ABCD-1234.
    offline-queue.js derives the same code on the device before the answer is sent (docs/OFFLINE.md)."""
    digits = "".join(c for c in instance_id[:36] if c in "0123456789abcdefABCDEF")[:8].upper()
    return f"{digits[:4]}-{digits[4:]}"


def _saved(layanan, instance_id: str, status: str = "ok"):
    """The queue drops the item and shows the receipt; a browser goes to the thank-you page."""
    thanks_url = url_for("skm.thanks", slug=layanan.slug)
    return queue_replies.saved("", thanks_url, status=status, created_code=200, redirect=thanks_url,
                              receipt=receipt_code(instance_id))


@bp.get("/s/")
def index():
    return render_template("skm/index.html", rows=layanan_service.listed())


@bp.route("/s/<slug>", methods=["GET", "POST"])
def form(slug: str):
    if request.method == "GET":
        return _render_form(_active_layanan(slug), SurveyForm(formdata=None, categories=lookup.category_choices()))
    refused = rate_limits.refused(survey_rate_limit(), "skm.form")  # per client address, POSTs only
    if refused is not None:
        return refused

    # The POST is the hot path (issue 14): the layanan comes from the per-process cache, no ORM load.
    layanan = lookup.active_layanan(slug) if len(slug) <= layanan_service.MAX_SLUG else None
    if layanan is None:
        abort(404)
    if not _same_origin():
        return error_response(403, CROSS_ORIGIN)
    categories = lookup.category_choices()
    posted = read_survey_post(categories)
    if posted is None:  # an unusual POST (JSON, an upload, an unreadable value): SurveyForm reads it
        form = SurveyForm(categories=categories)
        if form.website.data:
            return _honeypot(layanan)
        if not form.validate():
            return _invalid(slug, form)
        posted = SurveyPost(form.response(), form.started.data, honeypot=False)
    elif posted.honeypot:
        return _honeypot(layanan)
    try:
        result = submit.record(layanan, posted.response, channel="web", category_ids={i for i, _ in categories},
                               started=posted.started, device_token=request.cookies.get(submit.DEVICE_COOKIE),
                               alone=True)  # this POST writes the response and nothing else
    except rules.InvalidResponse as err:
        transaction.rollback()
        form = SurveyForm(categories=categories)  # the messages, beside their fields, as the form shows them
        if form.validate():
            form.add_errors(err.errors)  # a rule needing the database (an instance_id of another layanan)
        return _invalid(slug, form)
    transaction.commit()
    # The receipt from the id as sent: offline-queue.js derived it from the same text.
    return _saved(layanan, request.form.get("instance_id", ""), "ok" if result.created else "duplicate")


def _honeypot(layanan):
    """A bot filled the hidden field: answer like a success so it learns nothing, store nothing."""
    current_app.logger.info("survey honeypot triggered for %s", layanan.slug)
    return _saved(layanan, request.form.get("instance_id", ""))


def _invalid(slug: str, form: SurveyForm):
    """422: the queue keeps the item and shows the errors (no query for it); a browser sees the form
    again, with a fresh render stamp and, if it lost it, a device cookie."""
    if wants_json():
        return queue_replies.invalid(form.errors, "skm/form.html")
    return _render_form(_active_layanan(slug), form, status=422)


csrf.exempt(form)


@bp.get("/s/<slug>/terima-kasih")
def thanks(slug: str):
    layanan = _active_layanan(slug)
    return render_template("skm/thanks.html", layanan=layanan)


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
