"""NIK handling: validate, then keep only an HMAC-SHA256 under the server key
(NIK_HMAC_KEY) plus the last four digits for display. A plain hash would be
reversible by enumerating the ~10^16 NIK space offline; the keyed HMAC is not."""
from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

_NIK_RE = re.compile(r"^\d{16}$")
INVALID_NIK = "NIK harus 16 digit angka."


def normalise(raw: str | None) -> str | None:
    """The 16-digit NIK, or None when it is not one (spaces and dots are tolerated)."""
    nik = re.sub(r"[\s.\-]", "", raw or "")
    return nik if _NIK_RE.match(nik) else None


def nik_hmac(nik: str, key: str | None = None) -> str:
    key = key or current_app.config["NIK_HMAC_KEY"]
    return hmac.new(key.encode(), nik.encode(), hashlib.sha256).hexdigest()


def last4(nik: str) -> str:
    return nik[-4:]


def masked(last_four: str) -> str:
    return "************" + last_four
