"""Helpers shared by the HTTP tests."""
from __future__ import annotations

import re

from flask import g, has_app_context
from flask.testing import FlaskClient

TEST_PASSWORD = "kata-sandi-uji-123"

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def login(client, email: str, password: str = TEST_PASSWORD, base_url: str | None = None):
    """Sign in through the login form; `base_url` signs in on another host (cookies are per host)."""
    extra = {"base_url": base_url} if base_url else {}
    page = client.get("/login", **extra)
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, **extra)


class IsolatedClient(FlaskClient):
    """A test client whose requests start with an empty `g`, as on a real server.

    Tests run inside an app context, and Flask reuses an active app context for every test
    request, so what one request (or one client) caches in `g` would answer the next one:
    Flask-Login's `g._login_user` gave `current_user` without reading the cookies (a captured
    cookie the server no longer honours still looked signed in, a signed-out client looked
    signed in as someone else), and Flask-WTF's `g.csrf_token` handed one session's token to
    another.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            vars(g).clear()
        return super().open(*args, **kwargs)
