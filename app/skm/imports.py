"""Import legacy SKM answers (paper or spreadsheet) from CSV, all or nothing.

Each row is read here (a number, a date, a category by code or name) and then
checked and stored by app.skm.submit.record, the write path the web form uses, so
an imported answer meets the same rules; errors are reported by row and column.
A row's instance_id comes from the file or is derived from the layanan and the
row's content (plus how many identical rows came before it), so importing the
same file again adds nothing. Stored responses are never updated; an instance_id
already used by a response of another layanan is a row error rather than a
silent "already there".
"""
from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.nik import redact
from app.core.parsing import MAX_INT, parse_date, parse_int
from app.extensions import db
from app.models import Layanan, RespondentCategory, utcnow
from app.models.skm import UNSUR_COLUMNS
from app.skm import rules, submit

IMPORT_NAMESPACE = uuid.UUID("5d3f0f0e-7c1a-4f8e-9a53-2f1b6a1c0b11")
REQUIRED_COLUMNS = ("tanggal", *UNSUR_COLUMNS)
OPTIONAL_COLUMNS = ("instance_id", "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "unsur_responden",
                    "tanggal_layanan", "kritik_saran")
# Field named by app.skm.rules -> CSV column, where they differ.
COLUMN_OF = {"service_date": "tanggal_layanan", "respondent_category": "unsur_responden",
             "submitted_at": "tanggal"}


class SkmImportError(Exception):
    def __init__(self, errors: list[str]):
        errors = [redact(e) for e in errors]  # a NIK typed into kritik_saran or a shifted column is never echoed
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int

    @property
    def existing(self) -> int:
        return self.rows - self.created


def _reader(handle: IO[str]) -> csv.DictReader:
    sample = handle.read(4096)
    handle.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.DictReader(handle, dialect=dialect)


def _parse_tanggal(text: str, tz_name: str) -> datetime:
    """Local date or date-time in the unit's zone -> naive UTC. A bare date means local noon.
    (Whether the moment is plausible is a rule: app.skm.rules.)"""
    text = text.strip()
    try:
        if len(text) == 10:
            local = datetime.combine(date.fromisoformat(text), time(12, 0))
        else:
            local = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise ValueError("format tanggal harus TTTT-BB-HH atau TTTT-BB-HH JJ:MM.") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC).replace(tzinfo=None)


def _categories() -> dict[str, int]:
    """Lookup by code or name (case-insensitive); inactive categories still match old answers."""
    lookup = {}
    for row in db.session.scalars(select(RespondentCategory)):
        lookup[row.code.lower()] = row.id
        lookup[row.name.lower()] = row.id
    return lookup


def _derived_id(layanan: Layanan, row: dict[str, str], seen: dict[tuple, int]) -> uuid.UUID:
    content = tuple((row.get(col) or "").strip() for col in REQUIRED_COLUMNS + OPTIONAL_COLUMNS[1:])
    occurrence = seen.get(content, 0)
    seen[content] = occurrence + 1
    return uuid.uuid5(IMPORT_NAMESPACE, "\x1f".join((layanan.slug, str(occurrence), *content)))


def _answer(text: str) -> int | None:
    """Blank is "not answered"; anything but a small number is not one of the choices."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 3):
        raise ValueError(rules.UNKNOWN_CHOICE)
    return int(text)


def _read(row: dict[str, str], categories: dict[str, int], add) -> rules.SkmAnswers:
    """The row's values, read as the web form reads them; a value that cannot be read is reported
    under its column and left out (None), so the rules judge the rest."""
    cell = {col: row.get(col, "").strip() for col in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}

    def read(column: str, parse):
        if not cell[column]:
            return None
        try:
            return parse(cell[column])
        except ValueError as err:
            add(column, str(err))
            return None

    answers = {}
    for name in UNSUR_COLUMNS:
        try:
            answers[name] = _answer(cell[name])
        except ValueError as err:
            add(name, str(err))
            answers[name] = 0  # read, but no choice: the rules need not ask for it again
    category = cell["unsur_responden"]
    return rules.SkmAnswers(
        instance_id=cell["instance_id"], answers=answers, jenis_kelamin=cell["jenis_kelamin"] or None,
        usia=read("usia", lambda text: parse_int(text, -MAX_INT, MAX_INT)),
        pendidikan=cell["pendidikan"] or None, pekerjaan=cell["pekerjaan"] or None,
        respondent_category_id=categories.get(category.lower(), 0) if category else None,
        service_date=read("tanggal_layanan", lambda text: parse_date(text, maximum=date.max)),
        kritik_saran=cell["kritik_saran"] or None,
    )


Row = tuple[int, datetime, rules.SkmAnswers]  # line, when it was filled in, the answers


def _rows(handle: IO[str], layanan: Layanan, categories: dict[str, int]) -> list[Row]:
    """Every row read and checked; raises SkmImportError listing every problem."""
    reader = _reader(handle)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [col for col in REQUIRED_COLUMNS if col not in header]
    if missing:
        raise SkmImportError([f"Kolom wajib tidak ada: {', '.join(missing)}."])
    reader.fieldnames = header
    category_ids = set(categories.values())
    errors: list[str] = []
    rows: list[Row] = []
    seen_content: dict[tuple, int] = {}
    seen_ids: dict[uuid.UUID, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {k: (v or "") for k, v in raw.items() if k}
        row_errors: dict[str, list[str]] = {}

        def add(column: str, message: str, row_errors=row_errors) -> None:
            row_errors.setdefault(column, []).append(message)

        if None in raw:
            add(rules.ALL, "jumlah kolom melebihi header.")
        if not row.get("instance_id", "").strip():
            row["instance_id"] = str(_derived_id(layanan, row, seen_content))
        response = _read(row, categories, add)
        try:
            submitted_at = _parse_tanggal(row.get("tanggal", ""), layanan.unit.timezone)
        except ValueError as err:
            add("tanggal", str(err))
            submitted_at = None
        # An unreadable tanggal is already reported; the other rules are still checked against today.
        problems = rules.problems(response, channel="import", category_ids=category_ids,
                                  submitted_at=submitted_at or utcnow())
        for name, messages in problems.items():
            column = COLUMN_OF.get(name, name)
            if column == rules.ALL or column not in row_errors:  # one message per unreadable cell
                row_errors.setdefault(column, []).extend(messages)
        instance_id = rules.parsed_instance_id(response.instance_id)
        if instance_id is not None:
            if instance_id in seen_ids:
                add("instance_id", f"sama dengan baris {seen_ids[instance_id]}.")
            seen_ids[instance_id] = line
        errors.extend(_located(line, row_errors))
        if not row_errors:
            rows.append((line, submitted_at, response))
    if errors:
        raise SkmImportError(errors)
    if not rows:
        raise SkmImportError(["Berkas tidak berisi baris jawaban."])
    return rows


def _located(line: int, row_errors: dict[str, list[str]]) -> list[str]:
    return [f"Baris {line}: {message}" if column == rules.ALL else f"Baris {line}, kolom {column}: {message}"
            for column, messages in row_errors.items() for message in messages]


def import_csv(handle: IO[str], layanan: Layanan) -> ImportResult:
    """Check every row, then store them through the one write path; already-imported rows are skipped.
    Adds but never commits: the command commits, or rolls back on SkmImportError (all or nothing)."""
    created = 0
    errors: list[str] = []
    # Every category, inactive ones too: a retired category was valid when the paper form was filled.
    categories = _categories()
    category_ids = set(categories.values())
    rows = _rows(handle, layanan, categories)
    for line, submitted_at, response in rows:
        try:
            result = submit.record(layanan, response, channel="import", category_ids=category_ids,
                                   submitted_at=submitted_at)
        except rules.InvalidResponse as err:  # a rule that needs the database: whose instance_id is it?
            errors.extend(_located(line, {COLUMN_OF.get(k, k): v for k, v in err.errors.items()}))
            continue
        created += result.created
    if errors:
        raise SkmImportError(errors)
    return ImportResult(rows=len(rows), created=created)
