"""Request values parsed once, at the edge, so routes and services never see raw strings.

Why: Python's own parsers are far more lenient than a web form should be, and
the database is stricter than Python. `str.isdigit()` is true for "²" and "٣"
(int() then fails, or silently reads an Arabic-Indic digit), int() reads any
number of digits (a 400-digit `n`, ids beyond 64 bits that SQLite and
PostgreSQL refuse), Decimal()/float() read "NaN", "Infinity" and "1e999", and
PostgreSQL refuses a NUL byte in any text value. Each of those used to end in a
500. The helpers here accept only what a person would type: ASCII digits,
bounded integers, finite decimals (decimal comma or point), ISO dates in a sane
range, and never a NUL byte.

`init_app` installs the two request-wide guards: a NUL byte anywhere in the
path, the query string or a posted form is a 400 before any view runs, and the
`<int:...>` URL converter accepts ASCII digits up to the largest id a
PostgreSQL `integer` holds (anything else is a 404).
Forms use the matching WTForms fields in forms/fields.py.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from app.core.errors import error_response

MAX_INT = 2**31 - 1  # PostgreSQL `integer`: every id and count column
MAX_BIGINT = 2**63 - 1  # PostgreSQL `bigint`: Rupiah amounts
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_DECIMAL = Decimal(10) ** 15  # far beyond any target, percentage or Rupiah amount

_INT_RE = re.compile(r"-?[0-9]+\Z")
_DECIMAL_RE = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)\Z")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")

NOT_INTEGER = "Harus berupa bilangan bulat."
NOT_NUMBER = "Harus berupa angka, mis. 89,19 atau 89.19."
NOT_RUPIAH = "Harus berupa angka Rupiah, mis. 2500000 atau 2.500.000."
NOT_DATE = "Tanggal tidak valid (format TTTT-BB-HH)."
NUL_MESSAGE = "Data yang dikirim mengandung karakter yang tidak diizinkan."


def has_nul(value: str | None) -> bool:
    return value is not None and "\x00" in value


def parse_int(text: str | None, minimum: int = 0, maximum: int = MAX_INT) -> int:
    """An integer written in ASCII digits (an optional leading '-') within [minimum, maximum].

    Raises ValueError with an Indonesian message. Surrounding spaces are allowed.
    """
    s = (text or "").strip()
    if not _INT_RE.match(s):
        raise ValueError(NOT_INTEGER)
    if len(s) > 20:  # never convert a 400-digit number; it is out of range whatever the bounds
        raise ValueError(_range_message(minimum, maximum))
    number = int(s)
    if not minimum <= number <= maximum:
        raise ValueError(_range_message(minimum, maximum))
    return number


_RUPIAH_RE = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,0{1,2})?\Z")


def parse_rupiah(text: str | None, minimum: int = 0, maximum: int = MAX_BIGINT) -> int:
    """A whole-Rupiah amount as people write it in Indonesia: "2500000", "2.500.000", "Rp 2.500.000,00".

    The point groups thousands (exactly three digits per group) and a trailing ",00" is allowed;
    any other fraction, a misplaced point or a non-ASCII digit is refused. Raises ValueError.
    """
    s = (text or "").strip()
    if s[:2].lower() == "rp":
        s = s[2:].lstrip(" .")
    s = s.replace(" ", "")
    if not _RUPIAH_RE.match(s):
        raise ValueError(NOT_RUPIAH)
    digits = s.split(",")[0].replace(".", "")
    if len(digits.lstrip("-")) > 19:
        raise ValueError("Angka terlalu besar.")
    number = int(digits)
    if number < minimum:
        raise ValueError("Tidak boleh negatif." if minimum == 0 else f"Minimal {minimum}.")
    if number > maximum:
        raise ValueError("Angka terlalu besar.")
    return number


def _range_message(minimum, maximum) -> str:
    if maximum >= MAX_INT:
        return f"Angka terlalu besar atau di luar batas (minimal {minimum})."
    return f"Harus antara {minimum} dan {maximum}."


def parse_decimal(text: str | None, minimum: Decimal | int | None = None,
                  maximum: Decimal | int | None = None) -> Decimal:
    """A finite decimal in plain notation, decimal comma or point: "89,19", "89.19", "-3".

    No exponent, no NaN or Infinity, at most MAX_DECIMAL in size. Raises ValueError.
    """
    s = (text or "").strip()
    if not _DECIMAL_RE.match(s) or len(s) > 40:
        raise ValueError(NOT_NUMBER)
    try:
        value = Decimal(s.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise ValueError(NOT_NUMBER) from None
    if abs(value) >= MAX_DECIMAL:
        raise ValueError("Angka terlalu besar.")
    if minimum is not None and value < minimum:
        raise ValueError(f"Minimal {minimum}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"Maksimal {maximum}.")
    return value


def parse_date(text: str | None, minimum: date = MIN_DATE, maximum: date = MAX_DATE) -> date:
    """An ISO date (YYYY-MM-DD, ASCII digits) between minimum and maximum. Raises ValueError."""
    match = _DATE_RE.match((text or "").strip())
    if not match:
        raise ValueError(NOT_DATE)
    try:
        value = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(NOT_DATE) from None
    if not minimum <= value <= maximum:
        raise ValueError(f"Tanggal harus antara {minimum:%d-%m-%Y} dan {maximum:%d-%m-%Y}.")
    return value


# ---- query-string helpers for routes ------------------------------------------------------

def arg_int(name: str, minimum: int = 1, maximum: int = MAX_INT, *, strict: bool = False) -> int | None:
    """request.args[name] as a bounded int; None when absent or empty.

    An unreadable value is ignored (None), as a filter that cannot apply; with
    `strict` it is a 400 with the parser's message instead.
    """
    raw = request.args.get(name, "")
    if not raw.strip():
        return None
    try:
        return parse_int(raw, minimum, maximum)
    except ValueError as err:
        if strict:
            abort(error_response(400, f"{name}: {err}"))
        return None


# ---- request-wide guards ------------------------------------------------------------------

class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` for ASCII digits only, at most MAX_INT; anything else does not match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _reject_nul() -> None:
    values = [request.path]
    for multidict in (request.args, request.form):
        for key, items in multidict.lists():
            values.append(key)
            values.extend(items)
    for upload in request.files.values():
        values.append(upload.filename or "")
    if any(has_nul(v) for v in values):
        abort(error_response(400, NUL_MESSAGE))


def init_app(app: Flask) -> None:
    """Install the `<int:>` converter (before any blueprint registers a rule) and the NUL guard."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_reject_nul)
