"""The API's request parser: webargs' FlaskParser with marshmallow's field messages in Indonesian.

Every user-facing message is Indonesian (issue 13); the schema library's English defaults are
translated here, once, before the 422 problem is made (app.core.errors adds them as `errors`).
"""
from __future__ import annotations

import re

import marshmallow as ma
from webargs.flaskparser import FlaskParser, abort

EXACT = {
    "Missing data for required field.": "Wajib diisi.",
    "Unknown field.": "Isian tidak dikenal.",
    "Field may not be null.": "Tidak boleh null.",
    "Not a valid integer.": "Harus bilangan bulat.",
    "Not a valid number.": "Harus angka.",
    "Not a valid string.": "Harus teks.",
    "Not a valid boolean.": "Harus true atau false.",
    "Not a valid UUID.": "UUID tidak valid.",
    "Not a valid date.": "Tanggal tidak valid; gunakan YYYY-MM-DD.",
    "Not a valid datetime.": "Waktu tidak valid; gunakan ISO 8601, mis. 2025-01-31T08:00:00.",
    "Not a valid mapping type.": "Harus objek JSON.",
    "Not a valid list.": "Harus daftar JSON.",
    "Invalid input type.": "Jenis data tidak valid.",
    "Invalid value.": "Nilai tidak valid.",
    "Special numeric values (nan or infinity) are not permitted.": "NaN dan tak hingga tidak diizinkan.",
    "Invalid JSON body.": "Badan permintaan bukan JSON yang valid.",
}
PATTERNS = (
    (re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
     r"Harus antara \1 dan \2."),
    (re.compile(r"Must be greater than or equal to (\S+)\."), r"Paling kecil \1."),
    (re.compile(r"Must be less than or equal to (\S+)\."), r"Paling besar \1."),
    (re.compile(r"Longer than maximum length (\d+)\."), r"Paling banyak \1 karakter."),
    (re.compile(r"Shorter than minimum length (\d+)\."), r"Paling sedikit \1 karakter."),
    (re.compile(r"Number too large\."), "Angka terlalu besar."),
    (re.compile(r"Must be one of: (.+)\."), r"Harus salah satu dari: \1."),
)
FALLBACK = "Nilai tidak valid."


def indonesian(messages):
    """The same structure with every message translated; anything unknown becomes FALLBACK."""
    if isinstance(messages, dict):
        return {key: indonesian(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [indonesian(value) for value in messages]
    if not isinstance(messages, str):
        return FALLBACK
    if messages in EXACT:
        return EXACT[messages]
    for pattern, replacement in PATTERNS:
        if pattern.fullmatch(messages):
            return pattern.sub(replacement, messages)
    return FALLBACK


class Parser(FlaskParser):
    def handle_error(self, error: ma.ValidationError, req, schema, *, error_status_code, error_headers):
        translated = ma.ValidationError(indonesian(error.normalized_messages()))
        return super().handle_error(translated, req, schema, error_status_code=error_status_code,
                                    error_headers=error_headers)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, messages={"json": [EXACT["Invalid JSON body."]]})
