"""Starting and ending a signed-in session, the same way everywhere.

Sessions live in a signed cookie; what makes them end server-side is the account's token
version inside it (see `User.get_id` and the user loader in `app/__init__.py`). These
helpers handle this browser's side: a login or a password change starts a brand-new
session (nothing carried over, against fixation, and a new CSRF token); a logout drops it
and asks Flask-Login to delete the remember-me cookie.
"""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_login import COOKIE_NAME, login_user, logout_user
from flask_wtf.csrf import generate_csrf


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
