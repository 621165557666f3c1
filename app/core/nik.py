"""NIK handling: validate, then keep only an HMAC-SHA256 under the server key
(NIK_HMAC_KEY) plus the last four digits for display. A plain hash would be
reversible by enumerating the ~10^16 NIK space offline; the keyed HMAC is not.

Only the ASCII digits 0-9 make a NIK. Python's `\\d` and `str.isdigit()` also
accept full-width (３) and Arabic-Indic (٣) digits, which would hash to a second
identity for the same person, so they are refused here, in the one place every
write path goes through. `redact()` masks anything that looks like a NIK in a
message, so an error never echoes one (e.g. a NIK in a shifted import column).
"""
from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

_NIK_RE = re.compile(r"[0-9]{16}", re.ASCII)
# 16 digits of any script, optionally separated by a space, dot or dash: what a NIK looks like in free text.
_NIK_LIKE = re.compile(r"(?:\d[\s.\-]?){15}\d")
INVALID_NIK = "NIK harus 16 digit angka (0-9)."


def normalise(raw: str | None) -> str | None:
    """The 16-digit NIK, or None when it is not one (spaces, dots and dashes are tolerated)."""
    if not isinstance(raw, str):
        return None
    nik = re.sub(r"[\s.\-]", "", raw)
    return nik if _NIK_RE.fullmatch(nik) else None


def region_code(nik: str | None) -> str | None:
    """The kab/kota code a NIK was issued under, in the region table's form ("32.73" for 3273...).

    A NIK's first four digits are the BPS/Dukcapil code of the kab/kota where it was issued,
    so the income form can preselect the region the monitor is most likely in.
    """
    value = normalise(nik)
    return f"{value[:2]}.{value[2:4]}" if value else None


def nik_hmac(nik: str, key: str | None = None) -> str:
    key = key or current_app.config["NIK_HMAC_KEY"]
    return hmac.new(key.encode(), nik.encode(), hashlib.sha256).hexdigest()


def last4(nik: str) -> str:
    return nik[-4:]


def masked(last_four: str) -> str:
    return "************" + last_four


def redact(message: str) -> str:
    """`message` with every NIK-like run of 16 digits masked down to its last four."""
    return _NIK_LIKE.sub(lambda m: masked(re.sub(r"[\s.\-]", "", m.group())[-4:]), message)
