"""Password hashing, checking and the strength policy, in one place.

Why a module of its own:
- every login does the same hashing work whether or not the email exists (and whether
  or not the account is active), so response times cannot tell an attacker which staff
  emails are registered: `check()` runs scrypt against a dummy hash when there is no user;
- every place that sets a password (admin form, `create-user` CLI, the account page)
  applies the same policy: a minimum length plus zxcvbn's strength estimate, with one
  clear Indonesian message instead of the library's English feedback.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

HASH_METHOD = "scrypt"
MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn scores 0-4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_SCORE = 3
# zxcvbn 4.5 refuses longer input; the first 72 characters bound the estimate from below.
ZXCVBN_MAX_LENGTH = 72

TOO_SHORT = f"Kata sandi minimal {MIN_LENGTH} karakter."
TOO_LONG = f"Kata sandi maksimal {MAX_LENGTH} karakter."
TOO_WEAK = ("Kata sandi terlalu mudah ditebak. Hindari urutan angka atau huruf, kata umum, "
            "pengulangan, serta nama atau email Anda; gabungkan misalnya tiga kata acak "
            "dengan angka atau tanda baca.")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


@cache
def _dummy_hash() -> str:
    """A real scrypt hash with the same cost parameters as every stored one."""
    return hash_password("pantau-bukan-kata-sandi-siapa-pun")


def check(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches `stored_hash`. With no hash (unknown email) the same
    scrypt work is still done against a dummy hash, and the answer is False."""
    if not stored_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(stored_hash, password)


def policy_error(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """The Indonesian reason `password` is refused, or None when it is acceptable.

    `user_inputs` are the account's own words (email, name): a password built from them is weak.
    """
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    words = [w for value in user_inputs if value for w in _words(value)]
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=words)
    if result["score"] < MIN_SCORE:
        return TOO_WEAK
    return None


def _words(value: str) -> list[str]:
    """The value itself plus its parts (`budi.santoso@x.id` -> budi, santoso, x, id)."""
    parts = [value.lower()]
    for separator in "@.-_+ ":
        value = value.replace(separator, " ")
    parts += [p.lower() for p in value.split() if len(p) >= 3]
    return parts
