"""Read a CSV or XLSX upload into rows of {header: value}, for the validate-first imports.

Headers are lower-cased and stripped. XLSX is read with openpyxl in read-only
mode, so cells keep their types (dates, numbers); CSV cells are strings.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from sqlalchemy import select

from app.core import audit
from app.extensions import db

MAX_ROWS = 100_000
# XLSX is a zip of XML: a few hundred KB can inflate to gigabytes (a "zip bomb") or declare
# millions of cells. These limits are checked before openpyxl parses anything; see xlsx_guard.
XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all members together, inflated
XLSX_MAX_RATIO = 100  # inflated / compressed, for any member above XLSX_RATIO_FLOOR
XLSX_RATIO_FLOOR = 1024 * 1024  # small members (styles, a tiny sheet) may compress as well as they like
XLSX_MAX_MEMBERS = 1000
XLSX_MAX_COLUMNS = 200


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
        from app.core.nik import redact

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


class RowChecker(list):
    """One row's problems, in the one "Baris N, kolom X" form every import reports.

    `check(column, (value, message))` keeps the value a cell parser returned and files its
    message; `add(column, message)` files a rule's own. The checker is the row's error list.
    """

    def __init__(self, row: int) -> None:
        super().__init__()
        self.row = row

    def check(self, column: str, result: tuple):
        value, message = result
        if message:
            self.add(column, message)
        return value

    def add(self, column: str, message: str) -> None:
        self.append(RowError(self.row, column, message))


def write_imported(model, key: dict, values: dict, report: ImportReport, *, actor, row=None):
    """Create (key + values) or update (values) one imported row, count it and audit it as "import".
    `row` is the stored row when the caller already looked it up; otherwise it is found by `key`."""
    if row is None:
        row = db.session.scalar(select(model).filter_by(**key))
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = model(**key)
        db.session.add(row)
        report.created += 1
    else:
        report.updated += 1
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    audit.record("import", row, before=before, actor=actor)
    return row


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


def _id_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB".replace(",", ".")


def xlsx_guard(data: bytes) -> None:
    """Refuse an XLSX whose archive would inflate too far, before any XML is parsed.

    Only the zip directory is read here (sizes are declared there); zipfile itself
    stops a member that inflates beyond its declared size, so a lying directory
    cannot get past these limits either. Raises TableError with an Indonesian message.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError("Berkas XLSX tidak dapat dibaca.") from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise TableError(f"Berkas XLSX berisi terlalu banyak bagian ({_id_int(len(members))}); "
                         f"batas {_id_int(XLSX_MAX_MEMBERS)}.")
    total = sum(member.file_size for member in members)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise TableError(f"Berkas XLSX terlalu besar setelah diekstrak ({_mb(total)}; batas "
                         f"{_mb(XLSX_MAX_UNCOMPRESSED)}). Pecah menjadi beberapa berkas atau simpan sebagai CSV.")
    for member in members:
        if member.file_size > XLSX_RATIO_FLOOR and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise TableError(f"Berkas XLSX ditolak: rasio kompresi {_id_int(ratio)}:1 melebihi batas "
                             f"{XLSX_MAX_RATIO}:1 (kemungkinan berkas rusak atau berbahaya).")


def _check_dimensions(sheet) -> None:
    """The sheet's declared size (<dimension ref>) against the row and column limits."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS + 1 or columns > XLSX_MAX_COLUMNS:
        raise TableError(f"Lembar kerja menyatakan {_id_int(rows)} baris × {_id_int(columns)} kolom; batasnya "
                         f"{_id_int(MAX_ROWS)} baris data dan {XLSX_MAX_COLUMNS} kolom.")


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    xlsx_guard(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parse failure is the user's file, not our bug
        raise TableError("Berkas XLSX tidak dapat dibaca.") from None
    try:
        sheet = workbook.worksheets[0]
        _check_dimensions(sheet)
        # Read what the sheet holds, not what it declares (openpyxl would otherwise stop at a
        # too-small <dimension> and silently drop rows); MAX_ROWS in read_table and the
        # inflated-size limit bound the work, extra columns are cut here.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield list(values[:XLSX_MAX_COLUMNS])
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
    if not s.isascii():  # strptime's %Y reads Arabic-Indic digits too
        return None, "tanggal tidak valid (gunakan YYYY-MM-DD)."
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
        # ASCII digits only: str.isdigit() and int() also take "²" and "٣" (app.core.parsing explains why).
        if not (s.isascii() and s.lstrip("-").isdigit() and len(s) <= 20):
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
