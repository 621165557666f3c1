"""Read a CSV or XLSX upload into rows of {header: value}, for the validate-first imports.

Headers are lower-cased and stripped. XLSX is read with openpyxl in read-only
mode, so cells keep their types (dates, numbers); CSV cells are strings.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

MAX_ROWS = 100_000


class TableError(ValueError):
    """The file itself cannot be read (format, headers); message is Indonesian."""


@dataclass
class RowError:
    """One problem in one cell. The message is passed through nik.redact, so a NIK that
    landed in the wrong column is never echoed back (e.g. "program '************0001'")."""

    row: int  # spreadsheet row number (header is row 1)
    column: str
    message: str

    def __post_init__(self) -> None:
        from app.services.nik import redact

        self.message = redact(self.message)

    def __str__(self) -> str:
        return f"Baris {self.row}, kolom {self.column}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(handle: IO[bytes], filename: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """[(row number, {column: value})], blank rows dropped; raises TableError."""
    data = handle.read()
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _csv_rows(data)
    else:
        raise TableError("Format berkas tidak didukung. Gunakan CSV atau XLSX.")
    try:
        header = next(rows)
    except StopIteration:
        raise TableError("Berkas kosong.") from None
    columns = [str(h or "").strip().lower() for h in header]
    missing = [c for c in required if c not in columns]
    if missing:
        raise TableError(f"Kolom wajib tidak ada: {', '.join(missing)}.")
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise TableError(f"Berkas melebihi {MAX_ROWS} baris.")
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        result.append((number, {col: (values[i] if i < len(values) else None) for i, col in enumerate(columns) if col}))
    return result


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError("Berkas CSV harus berkodekan UTF-8.") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parse failure is the user's file, not our bug
        raise TableError("Berkas XLSX tidak dapat dibaca.") from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


# ---- cell parsers: return (value, error message or None) ---------------------------

def text(value, max_len: int, required: bool = True) -> tuple[str | None, str | None]:
    s = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        s = str(int(value))
    if not s:
        return None, ("wajib diisi." if required else None)
    if len(s) > max_len:
        return None, f"maksimal {max_len} karakter."
    return s, None


def parse_date(value, required: bool = True) -> tuple[date | None, str | None]:
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    s = "" if value is None else str(value).strip()
    if not s:
        return None, ("wajib diisi." if required else None)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(s, fmt).date(), None
        except ValueError:
            continue
    return None, "tanggal tidak valid (gunakan YYYY-MM-DD)."


def parse_int(value, minimum: int, maximum: int | None = None) -> tuple[int | None, str | None]:
    if isinstance(value, bool):
        return None, "harus bilangan bulat."
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, "harus bilangan bulat."
        number = int(value)
    else:
        s = "" if value is None else str(value).strip().replace(" ", "")
        if not s:
            return None, "wajib diisi."
        if not s.lstrip("-").isdigit():
            return None, "harus bilangan bulat tanpa titik atau koma."
        number = int(s)
    if number < minimum:
        return None, f"minimal {minimum}."
    if maximum is not None and number > maximum:
        return None, f"maksimal {maximum}."
    return number, None


def truthy(value) -> bool:
    return str(value or "").strip().lower() in {"1", "ya", "y", "true", "benar", "x"}


def outside_scope(unit_id: int | None, allowed_unit_ids: set[int] | None) -> bool:
    """True when an import may not write to (or update a row of) this unit.

    Every import checks both the unit a row names and the unit of the stored
    row it would update, so a re-import can never move another unit's row into
    the importer's unit. `allowed_unit_ids` None means unrestricted (the CLI).
    """
    return allowed_unit_ids is not None and unit_id not in allowed_unit_ids


def lookup_unit(raw, units: dict, allowed_unit_ids, number: int, errors: list[RowError]):
    """The unit an import row names: a known code inside the importer's scope, else None plus an error."""
    code, message = text(raw, 40)
    if message:
        errors.append(RowError(number, "unit", message))
        return None
    unit = units.get(code.upper())
    if unit is None:
        errors.append(RowError(number, "unit", f"unit '{code}' tidak dikenal."))
    elif outside_scope(unit.id, allowed_unit_ids):
        errors.append(RowError(number, "unit", f"unit '{code}' di luar wewenang Anda."))
        return None
    return unit
