"""Indonesian error pages; JSON for clients that ask for it (offline queues, APIs).

No stack trace ever reaches a user: unexpected exceptions are logged and answered
with the generic 500 page.
"""
from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: ("Permintaan tidak valid", "Data yang dikirim tidak dapat diproses. Periksa kembali isian Anda."),
    401: ("Perlu masuk", "Silakan masuk terlebih dahulu."),
    403: ("Akses ditolak", "Anda tidak memiliki hak akses ke halaman ini."),
    404: ("Halaman tidak ditemukan", "Halaman yang Anda cari tidak ada atau sudah tidak aktif."),
    405: ("Metode tidak diizinkan", "Cara mengakses halaman ini tidak didukung."),
    413: ("Data terlalu besar", "Berkas atau data yang dikirim melebihi batas ukuran."),
    429: ("Terlalu banyak permintaan", "Terlalu banyak percobaan dalam waktu singkat. Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan", "Terjadi kesalahan pada server. Tim kami sudah dicatat; silakan coba lagi nanti."),
}
CSRF_MESSAGE = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim kembali."


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


# Only API answers use these codes; the pages keep answering 400 for them.
API_MESSAGES = {
    409: ("Konflik", "Data bertabrakan dengan data yang sudah ada."),
    422: ("Data tidak dapat diproses", "Isian tidak memenuhi aturan. Periksa `errors`."),
}


def is_api() -> bool:
    return request.path.startswith(("/api/", "/odata/"))


def problem(code: int, detail: str | None = None, errors: dict | None = None):
    """An RFC 9457 problem document (application/problem+json) with an Indonesian detail."""
    title, message = {**MESSAGES, **API_MESSAGES}.get(code, MESSAGES[500])
    body = {"type": "about:blank", "title": title, "status": code, "detail": detail or message,
            "instance": request.path}
    if errors:
        body["errors"] = errors
    response = make_response(jsonify(body), code)
    response.mimetype = "application/problem+json"
    return response


def error_response(code: int, detail: str | None = None, errors: dict | None = None):
    if is_api():
        return problem(code, detail, errors)
    title, message = MESSAGES.get(code, MESSAGES[500])
    message = detail or message
    if wants_json():
        response = jsonify(status="error", code=code, error=title, message=message)
    else:
        response = make_response(render_template("errors/error.html", code=code, title=title, message=message))
    response.status_code = code
    return response


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(err):
        return error_response(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code is None or err.code >= 500:
            return server_error()
        if is_api():
            response = problem(err.code if err.code in MESSAGES or err.code in API_MESSAGES else 400,
                               errors=_webargs_messages(err))
        else:
            response = error_response(err.code if err.code in MESSAGES else 400)
        if err.code == 405 and getattr(err, "valid_methods", None):
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("Unhandled exception", exc_info=err)
        return server_error()

    @app.errorhandler(InternalServerError)
    def _ise(err):
        return server_error()


def _webargs_messages(err: HTTPException) -> dict | None:
    """flask-smorest's 422 carries the schema's field messages in `data`."""
    messages = (getattr(err, "data", None) or {}).get("messages")
    return messages if isinstance(messages, dict) else None


def server_error():
    """The 500 page, after rolling the session back.

    The failed request may have left the session needing a rollback (a failed
    flush) or PostgreSQL's transaction aborted; the page reads the signed-in
    user, so without the rollback it would fail too and no Indonesian page shows.
    """
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception as err:  # noqa: BLE001 - a broken connection must not hide the error page
        current_app.logger.warning("rollback after error failed: %s", err)
    return error_response(500)
