"""Signing in and one's own account: the checks and writes behind the login and account pages.

- Unknown email and wrong password get the same answer after the same hashing work
  (`app.core.passwords.check`), so the login form cannot be used to discover accounts; a
  deactivated account is named only after the correct password.
- A password change and "keluar dari semua perangkat" raise the account's token version
  (`User.get_id`), which ends every copy of its session and remember-me cookies server-side.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core import audit, passwords
from app.extensions import db
from app.models import User

LOGIN_FAILED = "Email atau kata sandi salah."
ACCOUNT_INACTIVE = "Akun Anda tidak aktif. Hubungi admin unit Anda untuk mengaktifkannya kembali."
WRONG_CURRENT_PASSWORD = "Kata sandi saat ini salah."  # noqa: S105 - a message, not a password


class LoginRefused(Exception):
    """Why a login fails, with the HTTP status the login page answers with."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


class PasswordRefused(Exception):
    """A password change refused; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def authenticate(email: str, password: str) -> User:
    """The active account with this email and password, or LoginRefused."""
    user = db.session.scalar(select(User).where(User.email == User.normalise_email(email)))
    if not passwords.check(user.password_hash if user else None, password):
        raise LoginRefused(LOGIN_FAILED, 401)
    if not user.active:
        raise LoginRefused(ACCOUNT_INACTIVE, 403)
    return user


def change_password(user: User, *, current_password: str, new_password: str, actor) -> None:
    """Set `user`'s new password (which ends every other session) and audit it as `actor`'s act."""
    if not user.check_password(current_password):
        raise PasswordRefused("current_password", WRONG_CURRENT_PASSWORD)
    problem = passwords.policy_error(new_password, (user.email, user.name))
    if problem:
        raise PasswordRefused("new_password", problem)
    before = audit.snapshot(user)
    user.set_password(new_password)
    audit.record("password_change", user, before=before, actor=actor)


def end_own_sessions(user: User) -> None:
    """Logout and "keluar dari semua perangkat": every session of the account ends, not just this one."""
    user.end_sessions()
