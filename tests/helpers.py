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


def login(client, email: str, password: str = TEST_PASSWORD):
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share Flask-Login's cached user.

    Tests run inside an app context, and Flask reuses an active app context for every test
    request, so `g._login_user` set by one request (or one client) would answer the next
    one's `current_user` without reading its cookies. A real server starts each request
    clean; so does this client. Without it a captured cookie that the server no longer
    honours would still look signed in, or a signed-out one signed in as someone else.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)
