"""What every request pays, trimmed for the survey POST (issue 14) without changing what it does:
the security headers, the session's signer and Flask-Limiter's check. Timings are in bench/."""
from __future__ import annotations

from flask import Response

from app.core.security import CSP
from app.extensions import limiter


def test_every_page_gets_the_security_headers_once(client):
    headers = client.get("/s/").headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert len(headers.getlist("Content-Security-Policy")) == 1
    assert "Strict-Transport-Security" not in headers  # not in development


def test_a_header_the_view_set_itself_is_kept(app):
    with app.test_request_context("/"):
        own = {"content-security-policy": "default-src 'none'", "X-Frame-Options": "SAMEORIGIN"}
        response = app.process_response(Response("x", headers=own))
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_adds_hsts(database_url, tmp_path):
    from app import create_app

    production = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PRODUCTION": True, "SECRET_KEY": "uji-produksi",
                             "NIK_HMAC_KEY": "uji-nik", "TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    with production.test_request_context("/"):
        response = production.process_response(Response("x"))
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_session_signer_is_reused_and_follows_a_rotated_key(app, monkeypatch):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    cookie = first.dumps({"_user_id": "1"})
    monkeypatch.setitem(app.config, "SECRET_KEY", "kunci-baru-setelah-rotasi")
    rotated = interface.get_signing_serializer(app)
    assert rotated is not first
    assert rotated.loads_unsafe(cookie)[0] is False  # the old key no longer signs a valid session
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [first.secret_keys[-1].decode()])
    assert interface.get_signing_serializer(app).loads(cookie) == {"_user_id": "1"}  # unless kept as a fallback


def test_flask_limiter_checks_only_the_endpoints_it_limits(app):
    hooks = app.before_request_funcs[None]
    assert limiter._check_request_limit not in hooks  # replaced by the filtering wrapper
    assert any(getattr(hook, "__name__", "") == "check_unless_counted_by_the_view" for hook in hooks)
