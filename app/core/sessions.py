"""Starting and ending a signed-in session, the same way everywhere.

Sessions live in a signed cookie; what makes them end server-side is the account's token
version inside it (see `User.get_id` and the user loader in `app/__init__.py`). These
helpers handle this browser's side: a login or a password change starts a brand-new
session (nothing carried over, against fixation, and a new CSRF token); a logout drops it
and asks Flask-Login to delete the remember-me cookie.
"""
from __future__ import annotations

import functools

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import COOKIE_NAME, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer


def remember_cookie_present() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies


def start(user, remember: bool) -> None:
    """Sign `user` in on a new, empty session with a freshly issued CSRF token."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's per-request cache
    login_user(user, remember=remember)
    generate_csrf()


def restart(user) -> None:
    """After this user's token version was raised (own password change): keep this device
    signed in, on a new session, and a new remember cookie only if it had one."""
    start(user, remember=remember_cookie_present())


def end() -> None:
    """Forget this browser's session; clear first, since `logout_user` marks the remember
    cookie for deletion in the session."""
    session.clear()
    logout_user()


class CachedSignerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with one signing serializer per set of keys.

    Why: Flask builds a new URLSafeTimedSerializer for every request that opens or saves a
    session, about 2 % of the survey POST's CPU (issue 14). The serializer holds no
    per-request state; keyed by the secret and its fallbacks, a rotated key gets a new one.
    """

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        return self._serializer(app, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    @functools.lru_cache(maxsize=8)  # noqa: B019 (one interface per app, a handful of key sets)
    def _serializer(self, app: Flask, secret_key, fallbacks: tuple) -> URLSafeTimedSerializer | None:
        return super().get_signing_serializer(app)


def init_app(app: Flask) -> None:
    app.session_interface = CachedSignerSessionInterface()
