"""The feed takes a token as Bearer or as the Basic password (any user name), never a session cookie;
an expired, revoked or forged token is refused with a Basic challenge; a read token suffices."""
from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import select

from app.api import tokens
from app.extensions import db
from app.models import ApiToken, utcnow
from tests.api.helpers import bearer, token_for
from tests.helpers import login
from tests.odata.conftest import basic

FEED = "/odata/v1/PemeriksaanPendamping"


def _row(secret: str) -> ApiToken:
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.hash_secret(secret)))


def test_bearer_and_basic_with_any_user_name(client, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    secret = token_for(user)  # a read token is enough: the feed only reads
    for headers in (bearer(secret), basic(secret), basic(secret, "a@x.id"), basic(secret, ""),
                    basic(secret, "Orang Lain")):
        answer = client.get(FEED, headers=headers)
        assert answer.status_code == 200, headers
        assert answer.json["value"] == []
    latin1 = base64.b64encode("Dévi:".encode("latin-1") + secret.encode()).decode()
    assert client.get(FEED, headers={"Authorization": f"Basic {latin1}"}).status_code == 200
    no_slash = client.get("/odata/v1", headers=basic(secret))
    assert no_slash.status_code == 200 and no_slash.json["@odata.context"].endswith("/odata/v1/$metadata")


def test_refusals_are_401_with_a_basic_challenge(client, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    secret = token_for(user, expires_days=1)
    forged = [basic("pnt_palsu"), basic(secret + "x"), {"Authorization": f"Basic {secret}"},
              {"Authorization": "Basic !!!"}, {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()},
              {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:x").decode()}, bearer("pnt_palsu"), {}]
    for headers in forged:
        answer = client.get(FEED, headers=headers)
        assert answer.status_code == 401, headers
        assert answer.mimetype == "application/problem+json" and "Token" in answer.json["detail"]
        assert answer.headers["WWW-Authenticate"].startswith("Basic realm=")
        assert answer.headers["OData-Version"] == "4.0"
    row = _row(secret)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(FEED, headers=basic(secret)).status_code == 401
    assert client.get(FEED, headers=bearer(secret)).status_code == 401
    row.expires_at = None
    row.revoked_at = utcnow()
    db.session.commit()
    assert client.get(FEED, headers=basic(secret)).status_code == 401
    assert client.get("/odata/v1/$metadata", headers=basic(secret)).status_code == 401


def test_basic_is_for_the_feed_only(client, tree, make_user):
    """/api/v1 keeps Bearer only: Basic exists for Excel and Power BI, which read the feed."""
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    secret = token_for(user)
    assert client.get("/api/v1/units", headers=basic(secret)).status_code == 401
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 200


def test_session_cookie_never_works_for_the_feed(client, tree, make_user):
    make_user("a@x.id", "admin", tree["root"])
    login(client, "a@x.id")
    assert client.get("/beranda").status_code == 200
    for path in ("/odata/v1/", "/odata/v1/$metadata", FEED, FEED + "/$count"):
        answer = client.get(path)
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json", path


def test_token_never_works_for_pages(client, tree, make_user):
    user = make_user("a@x.id", "admin", tree["root"])
    secret = token_for(user, scope="write")
    for path in ("/beranda", "/akun", "/akun/token", "/admin/units", "/laporan/", "/indikator/"):
        for headers in (basic(secret), bearer(secret)):
            assert client.get(path, headers=headers).status_code in (302, 401), path


def test_rate_limit_is_the_apis_per_token_limit(app, client, tree, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    one, two = token_for(user), token_for(user)
    assert [client.get(FEED, headers=basic(one)).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/api/v1/units", headers=bearer(one)).status_code == 429  # one budget per token
    assert client.get(FEED, headers=basic(two)).status_code == 200
