"""Staff accounts: the one write path for creating and editing a user, shared by the admin
form and `flask create-user`, so both apply the same rules: the email is normalised and must
look like a staff address, it is unique, a new account needs a password that passes the
policy of `app.core.passwords`, and an admin cannot lock themselves out. Every create and
update is audited with the acting user (None from the command line).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, select

from app.admin import records
from app.core import audit, paging, passwords
from app.core.scoping import scoped, unit_subtree_ids
from app.extensions import db
from app.models import ROLES, Unit, User

# A plain address check of our own: email_validator refuses special-use domains such as the
# demo accounts' `.local`, which are real addresses on an intranet. Labels of letters, digits
# and inner hyphens, at least two of them, the last alphabetic.
STAFF_EMAIL_PATTERN = (
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")
EMAIL_MAX = 254
NAME_MAX = 200
BAD_EMAIL = "Format email tidak valid."
EMAIL_TAKEN = "Email sudah terdaftar."
PASSWORD_REQUIRED = "Kata sandi wajib untuk pengguna baru."  # noqa: S105 - a message, not a password
OWN_ROLE = "Anda tidak dapat menonaktifkan atau menurunkan peran akun sendiri."
UNKNOWN_ROLE = "Peran tidak dikenal."
UNIT_NOT_LISTED = "Pilih unit dari daftar."


@dataclass
class UserValues:
    email: str
    role: str
    unit_id: int
    name: str = ""
    region_id: int | None = None
    active: bool = True
    password: str | None = None  # None or "" keeps an existing account's password


def new_user() -> User:
    """A new account starts active with the least privilege."""
    return User(active=True, role="monitor")


def list_query(actor, search: str = "") -> Select:
    stmt = scoped(User, actor).order_by(User.email)
    return stmt.where(paging.contains(search, User.email, User.name)) if search else stmt


def check_new_account(*, email: str, unit_code: str) -> int:
    """What `create-user` checks before it asks for a password: the unit's id, or Invalid
    (field "unit" or "email") with the command line's message."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        raise records.Invalid("unit", f"unit '{unit_code}' tidak ditemukan")
    email = User.normalise_email(email)
    _check_email(email)
    if records.exists(User, User.email, email):
        raise records.Invalid("email", f"email '{email}' sudah terdaftar")
    return unit.id


def save(user: User | None, values: UserValues, *, actor) -> User:
    """Create (`user` None) or update an account as `actor`; Invalid names the refused field.
    A new password also ends the account's sessions everywhere (`User.set_password`)."""
    user = user if user is not None else new_user()
    email = User.normalise_email(values.email)
    _check_email(email)
    if len(values.name or "") > NAME_MAX:
        raise records.Invalid("name", f"Nama maksimal {NAME_MAX} karakter.")
    if values.role not in ROLES:
        raise records.Invalid("role", UNKNOWN_ROLE)
    if actor is not None and values.unit_id not in set(db.session.scalars(unit_subtree_ids(actor.unit_id))):
        raise records.Invalid("unit_id", UNIT_NOT_LISTED)
    if records.exists(User, User.email, email, user.id):
        raise records.Invalid("email", EMAIL_TAKEN)
    if not user.id and not values.password:
        raise records.Invalid("password", PASSWORD_REQUIRED)
    if user.id is not None and user.id == audit.actor_id(actor) and (not values.active or values.role != "admin"):
        raise records.Invalid("role", OWN_ROLE)
    if values.password:
        problem = passwords.policy_error(values.password, (email, values.name))
        if problem:
            raise records.Invalid("password", problem)
    before = audit.snapshot(user) if user.id else None
    user.email, user.name, user.role = email, values.name or "", values.role
    user.unit_id, user.region_id, user.active = values.unit_id, values.region_id or None, values.active
    if values.password:
        user.set_password(values.password)
    db.session.add(user)
    db.session.flush()
    audit.record("update" if before else "create", user, before=before, actor=actor)
    return user


def end_sessions(user: User, *, actor) -> None:
    """"Log out everywhere" for another account, e.g. when a monitor's phone is lost."""
    before = audit.snapshot(user)
    user.end_sessions()
    audit.record("end_sessions", user, before=before, actor=actor)


def _check_email(email: str) -> None:
    if len(email) > EMAIL_MAX or not re.match(STAFF_EMAIL_PATTERN, email):
        raise records.Invalid("email", BAD_EMAIL)
