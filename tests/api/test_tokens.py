"""API tokens: shown once, hashed at rest, revocable, expiring; only good for /api/ and /odata/."""
from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from app.api import tokens
from app.extensions import db
from app.models import ApiToken, AuditEvent, utcnow
from tests.api.helpers import bearer, token_for
from tests.helpers import csrf_from, login


def _stored() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def test_page_shows_the_token_once_and_stores_only_its_hash(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    page = client.get("/akun/token")
    assert page.status_code == 200 and "Token API" in page.get_data(as_text=True)
    created = client.post("/akun/token", data={"name": "Kios lobi", "scope": "write", "expires_days": "30",
                                               "csrf_token": csrf_from(page.get_data(as_text=True))})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = html.split('id="token-secret">')[1].split("<")[0]
    assert secret.startswith("pnt_") and len(secret) > 40
    [row] = _stored()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest() and row.scope == "write"
    assert secret not in str([getattr(row, c.key) for c in ApiToken.__table__.columns])
    assert timedelta(days=29) < row.expires_at - row.created_at <= timedelta(days=30)
    again = client.get("/akun/token").get_data(as_text=True)
    assert secret not in again and row.prefix in again
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "api_token")).all()
    assert events and all(row.token_hash not in str(e.after) for e in events)
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 200


def test_page_needs_csrf_and_refuses_bad_input(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    assert client.post("/akun/token", data={"name": "x", "scope": "read"}).status_code == 400
    token = csrf_from(client.get("/akun/token").get_data(as_text=True))
    bad = client.post("/akun/token", data={"name": "x", "scope": "admin", "expires_days": "9999",
                                           "csrf_token": token})
    assert bad.status_code == 400 and _stored() == []


def test_page_needs_sign_in(client):
    assert client.get("/akun/token").status_code == 302


def test_revoke_own_token_only(client, tree, make_user):
    me = make_user("a@x.id", "analyst", tree["dayasos"])
    other = make_user("b@x.id", "analyst", tree["dayasos"])
    mine, theirs = token_for(me), token_for(other)
    login(client, "a@x.id")
    csrf = csrf_from(client.get("/akun/token").get_data(as_text=True))
    my_row, their_row = _stored()
    assert client.post(f"/akun/token/{their_row.id}/cabut", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/akun/token/{my_row.id}/cabut", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/units", headers=bearer(mine)).status_code == 401
    assert client.get("/api/v1/units", headers=bearer(theirs)).status_code == 200


def test_expired_revoked_inactive_and_forged_tokens_are_401_problems(client, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    secret = token_for(user, expires_days=1)
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 200
    row = _stored()[0]
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.get("/api/v1/units", headers=bearer(secret))
    assert expired.status_code == 401 and expired.mimetype == "application/problem+json"
    assert expired.json["status"] == 401 and "Token" in expired.json["detail"]
    row.expires_at = None
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 401
    user.active = True
    db.session.commit()
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 200
    for header in ("Bearer pnt_palsu", "Bearer ", "Basic abc", secret, "Bearer " + secret + "x"):
        assert client.get("/api/v1/units", headers={"Authorization": header}).status_code == 401
    assert client.get("/api/v1/units").status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(client, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    secret = token_for(user)
    assert _stored()[0].last_used_at is None
    client.get("/api/v1/units", headers=bearer(secret))
    first = _stored()[0].last_used_at
    assert first is not None
    client.get("/api/v1/units", headers=bearer(secret))
    assert _stored()[0].last_used_at == first
    later = tokens.authenticate(secret, now=first + timedelta(minutes=2))
    assert later.last_used_at == first + timedelta(minutes=2)


def test_session_cookie_never_works_for_the_api(client, tree, make_user):
    make_user("a@x.id", "admin", tree["root"])
    login(client, "a@x.id")
    assert client.get("/beranda").status_code == 200
    for path in ("/api/v1/units", "/odata/v1/", "/odata/v1/JawabanSkm"):
        answer = client.get(path)
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json", path


def test_token_never_works_for_pages(client, tree, make_user):
    user = make_user("a@x.id", "admin", tree["root"])
    secret = token_for(user, scope="write")
    basic = {"Authorization": "Basic " + base64.b64encode(f"a@x.id:{secret}".encode()).decode()}
    for path in ("/beranda", "/akun", "/akun/token", "/admin/units", "/laporan/"):
        assert client.get(path, headers=bearer(secret)).status_code in (302, 401), path
        assert client.get(path, headers=basic).status_code in (302, 401), path


def test_api_needs_no_csrf(client, tree, make_user, make_layanan):
    user = make_user("a@x.id", "admin", tree["root"])
    layanan = make_layanan("izin", tree["psds"], active=True)
    from tests.api.helpers import skm_body

    answer = client.post("/api/v1/skm/responses", json=skm_body(layanan.id), headers=bearer(token_for(user, "write")))
    assert answer.status_code == 201, answer.json


def test_rate_limit_is_per_token(app, client, tree, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    one, two = token_for(user), token_for(user)
    assert [client.get("/api/v1/units", headers=bearer(one)).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get("/api/v1/units", headers=bearer(one))
    assert limited.mimetype == "application/problem+json" and "Terlalu banyak" in limited.json["title"]
    assert client.get("/api/v1/units", headers=bearer(two)).status_code == 200


def test_cli_prints_the_token_once(app, tree, make_user):
    make_user("a@x.id", "monitor", tree["dayasos"])
    runner = app.test_cli_runner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames \
        else app.test_cli_runner()
    result = runner.invoke(args=["create-token", "--email", "A@x.id", "--scope", "read", "--expires-days", "7"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    assert secret.startswith("pnt_")
    [row] = _stored()
    assert row.token_hash == tokens.hash_secret(secret) and row.scope == "read"
    missing = runner.invoke(args=["create-token", "--email", "x@x.id", "--scope", "read"])
    assert missing.exit_code != 0 and "tidak ditemukan" in missing.output
    bad = runner.invoke(args=["create-token", "--email", "a@x.id", "--scope", "read", "--expires-days", "0"])
    assert bad.exit_code != 0
