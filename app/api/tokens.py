"""Issue, look up and revoke API tokens.

A token is `pnt_` plus 32 random bytes (URL-safe base64). Only its SHA-256 is stored: the
secret is returned once, by `issue`, and can never be shown again. A hash lookup needs no
slow KDF: the secret has 256 bits of entropy, so a stolen hash cannot be brute-forced.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core import audit
from app.extensions import db
from app.models import ApiToken, User, utcnow
from app.models.api_token import SCOPES

PREFIX = "pnt_"
MAX_EXPIRY_DAYS = 366
NAME_MAX = 100
# last_used_at is written at most this often, so an API client does not cause a write per request.
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenRefused(ValueError):
    """The request to create a token breaks a rule; `message` is Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(user: User, *, name: str, scope: str, expires_days: int | None, actor: User) -> Issued:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise TokenRefused(f"Nama token wajib diisi, paling banyak {NAME_MAX} karakter.")
    if scope not in SCOPES:
        raise TokenRefused("Cakupan token harus 'read' atau 'write'.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenRefused(f"Masa berlaku harus 1 sampai {MAX_EXPIRY_DAYS} hari.")
    if not user.active:
        raise TokenRefused("Akun tidak aktif.")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=hash_secret(secret),
                     prefix=secret[:12], created_at=now,
                     expires_at=now + timedelta(days=expires_days) if expires_days else None)
    db.session.add(token)
    db.session.flush()
    audit.record("api_token_create", token, actor=actor, after=_summary(token))
    return Issued(token=token, secret=secret)


def _summary(token: ApiToken) -> dict:
    """What the audit log keeps of a token: never its hash."""
    return {"name": token.name, "scope": token.scope, "prefix": token.prefix, "user_id": token.user_id,
            "expires_at": token.expires_at and token.expires_at.isoformat(),
            "revoked_at": token.revoked_at and token.revoked_at.isoformat()}


def owned(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke(user: User, token_id: int, *, actor: User) -> bool:
    """Revoke one of `user`'s own tokens; another user's token is simply not found (False)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        return False
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token_revoke", token, actor=actor, after=_summary(token))
    return True


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token for this secret whose user is active, else None; touches last_used_at."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or not token.usable(now) or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
        db.session.flush()
    return token


def secret_from_header(header: str, *, allow_basic: bool = False) -> str | None:
    """The token in an Authorization header: `Bearer <token>`, or with `allow_basic` (the OData feed)
    `Basic base64(<any user name>:<token>)`. None for anything else; the secret is not checked here."""
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() != "basic" or not allow_basic or len(value) > 1000:
        return None
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    # Split the bytes: the ignored user name may be in any encoding (Windows sends Latin-1).
    _, colon, password = decoded.partition(b":")
    if not colon or not password.isascii():
        return None
    return password.decode("ascii").strip() or None


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))
