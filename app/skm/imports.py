"""Import legacy SKM answers (paper or spreadsheet) from CSV, all or nothing.

Every row is validated with the same rules as the web form before anything is
written; errors are reported by row and column. A row's instance_id comes from
the file or is derived from the layanan and the row's content (plus how many
identical rows came before it), so importing the same file again adds nothing.
Stored responses are never updated; an instance_id already used by a response
of another layanan is a row error rather than a silent "already there".
"""
from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.nik import redact
from app.extensions import db
from app.models import Layanan, RespondentCategory, SkmResponse
from app.models.skm import UNSUR_COLUMNS
from app.skm import submit as skm_submit
from forms.skm import SurveyForm

IMPORT_NAMESPACE = uuid.UUID("5d3f0f0e-7c1a-4f8e-9a53-2f1b6a1c0b11")
REQUIRED_COLUMNS = ("tanggal", *UNSUR_COLUMNS)
OPTIONAL_COLUMNS = ("instance_id", "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "unsur_responden",
                    "tanggal_layanan", "kritik_saran")
# CSV column -> SurveyForm field, where they differ.
FORM_FIELD = {"tanggal_layanan": "service_date", "unsur_responden": "respondent_category"}
COLUMN_OF = {v: k for k, v in FORM_FIELD.items()}


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
    """Local date or date-time in the unit's zone -> naive UTC. A bare date means local noon."""
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
    moment = local.astimezone(UTC).replace(tzinfo=None)
    if not datetime(2000, 1, 1) <= moment <= datetime.now(UTC).replace(tzinfo=None):
        raise ValueError("tanggal harus antara 2000-01-01 dan hari ini.")
    return moment


def _categories() -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Lookup by code or name (case-insensitive); inactive categories still match old answers."""
    rows = db.session.scalars(select(RespondentCategory)).all()
    lookup = {}
    for row in rows:
        lookup[row.code.lower()] = row.id
        lookup[row.name.lower()] = row.id
    return lookup, [(row.id, row.name) for row in rows]


def _derived_id(layanan: Layanan, row: dict[str, str], seen: dict[tuple, int]) -> uuid.UUID:
    content = tuple((row.get(col) or "").strip() for col in REQUIRED_COLUMNS + OPTIONAL_COLUMNS[1:])
    occurrence = seen.get(content, 0)
    seen[content] = occurrence + 1
    return uuid.uuid5(IMPORT_NAMESPACE, "\x1f".join((layanan.slug, str(occurrence), *content)))


def validate(handle: IO[str], layanan: Layanan) -> list[dict]:
    """Rows ready to insert; raises SkmImportError listing every problem."""
    reader = _reader(handle)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [col for col in REQUIRED_COLUMNS if col not in header]
    if missing:
        raise SkmImportError([f"Kolom wajib tidak ada: {', '.join(missing)}."])
    reader.fieldnames = header
    lookup, choices = _categories()
    errors: list[str] = []
    values: list[dict] = []
    seen_content: dict[tuple, int] = {}
    seen_ids: dict[uuid.UUID, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {k: (v or "") for k, v in raw.items() if k}
        row_errors: list[str] = []
        if None in raw:
            row_errors.append(f"Baris {line}: jumlah kolom melebihi header.")
        form_data = {FORM_FIELD.get(col, col): row.get(col, "").strip()
                     for col in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if col != "tanggal"}
        category = form_data.get("respondent_category", "")
        if category:
            form_data["respondent_category"] = str(lookup.get(category.lower(), "?"))
        if not form_data.get("instance_id"):
            form_data["instance_id"] = str(_derived_id(layanan, row, seen_content))
        form = SurveyForm(formdata=MultiDict(form_data), categories=choices, require_answers=False)
        form.validate()
        for name, messages in form.errors.items():
            for message in messages:
                row_errors.append(f"Baris {line}, kolom {COLUMN_OF.get(name, name)}: {message}")
        try:
            submitted_at = _parse_tanggal(row.get("tanggal", ""), layanan.unit.timezone)
        except ValueError as err:
            row_errors.append(f"Baris {line}, kolom tanggal: {err}")
        if not form.errors and all(v is None for v in form.answers.values()):
            row_errors.append(f"Baris {line}: tidak ada jawaban unsur (u1..u9) sama sekali.")
        if not form.instance_id.errors:
            instance_id = uuid.UUID(form.instance_id.data)
            if instance_id in seen_ids:
                row_errors.append(f"Baris {line}, kolom instance_id: sama dengan baris {seen_ids[instance_id]}.")
            seen_ids[instance_id] = line
            owner = db.session.scalar(select(SkmResponse.layanan_id).where(SkmResponse.instance_id == instance_id))
            if owner is not None and owner != layanan.id:
                row_errors.append(f"Baris {line}, kolom instance_id: sudah dipakai jawaban layanan lain "
                                  "(di luar wewenang impor ini); tidak diubah.")
        if row_errors:
            errors.extend(row_errors)
            continue
        values.append(skm_submit.row_values(
            layanan, instance_id=instance_id, answers=form.answers, submitted_at=submitted_at, channel="import",
            profile={
                "jenis_kelamin": form.jenis_kelamin.data, "usia": form.usia.data,
                "pendidikan": form.pendidikan.data, "pekerjaan": form.pekerjaan.data,
                "respondent_category_id": form.category_id, "service_date": form.service_date.data,
                "kritik_saran": form.kritik_saran.data,
            },
        ))
    if errors:
        raise SkmImportError(errors)
    if not values:
        raise SkmImportError(["Berkas tidak berisi baris jawaban."])
    return values


def import_csv(handle: IO[str], layanan: Layanan) -> ImportResult:
    """Validate everything, then insert in one transaction; already-imported rows are skipped."""
    values = validate(handle, layanan)

    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(SkmResponse)
                                 .where(SkmResponse.layanan_id == layanan.id))

    before = count()
    for item in values:
        skm_submit.insert_ignoring_duplicate(item)
    created = count() - before
    return ImportResult(rows=len(values), created=created)
