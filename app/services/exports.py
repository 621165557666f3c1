"""Response-level exports: CSV streamed in constant memory, XLSX in openpyxl write-only mode.

Both carry unsur codes (U1..U9), the form version and the data-quality flags,
and neutralise spreadsheet formula injection: a text cell that begins with
=, +, -, @, a tab or a carriage return gets a leading apostrophe, so a
kritik dan saran like "=HYPERLINK(...)" is shown as text, never evaluated.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from sqlalchemy import Select, select

from app.extensions import db
from app.models import Layanan, RespondentCategory, SkmResponse, Unit
from app.models.skm import UNSUR_COLUMNS
from app.services import skm_stats
from app.services.periods import Period

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2000
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header

RESPONSE_HEADER = (
    "id", "instance_id", "unit", "layanan", "period", "submitted_at_utc", "form_version", "channel",
    *(c.upper() for c in UNSUR_COLUMNS),
    "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "kategori_responden", "service_date", "kritik_saran",
    "flag_straightline", "flag_too_fast", "flag_repeat_device", "flag_stamp_reused", "flagged",
)


def neutralise(value):
    """Make a cell safe for spreadsheets; non-text values pass through."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def response_query(layanan_ids: list[int], period: Period, exclude_flagged: bool = False) -> Select:
    flagged = skm_stats.any_flag()
    return (
        select(
            SkmResponse.id, SkmResponse.instance_id, Unit.code, Layanan.slug, SkmResponse.period,
            SkmResponse.submitted_at, SkmResponse.form_version, SkmResponse.channel,
            *(getattr(SkmResponse, c) for c in UNSUR_COLUMNS),
            SkmResponse.jenis_kelamin, SkmResponse.usia, SkmResponse.pendidikan, SkmResponse.pekerjaan,
            RespondentCategory.code, SkmResponse.service_date, SkmResponse.kritik_saran,
            SkmResponse.flag_straightline, SkmResponse.flag_too_fast, SkmResponse.flag_repeat_device,
            SkmResponse.flag_stamp_reused, flagged,
        )
        .join(Layanan, Layanan.id == SkmResponse.layanan_id)
        .join(Unit, Unit.id == Layanan.unit_id)
        .outerjoin(RespondentCategory, RespondentCategory.id == SkmResponse.respondent_category_id)
        .where(*skm_stats.response_filter(layanan_ids, period, exclude_flagged))
        .order_by(SkmResponse.id)
    )


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if not isinstance(value, (int, float, str)):
        return str(value)
    return neutralise(value)


def iter_response_rows(layanan_ids: list[int], period: Period, exclude_flagged: bool = False) -> Iterator[tuple]:
    """Rows straight from a server-side cursor, BATCH at a time."""
    if not layanan_ids:
        return
    stmt = response_query(layanan_ids, period, exclude_flagged).execution_options(
        stream_results=True, yield_per=BATCH)
    result = db.session.execute(stmt)
    try:
        for partition in result.partitions(BATCH):
            yield from partition
    finally:
        result.close()


def csv_chunks(rows: Iterable[tuple], header: Iterable[str] = RESPONSE_HEADER) -> Iterator[str]:
    """CSV text in chunks of BATCH rows; memory stays flat however many rows there are.

    Starts with a UTF-8 BOM so spreadsheet programs read the text as UTF-8.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    first = True
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        pending += 1
        if pending >= BATCH:
            yield ("\ufeff" if first else "") + buffer.getvalue()
            first = False
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield ("\ufeff" if first else "") + buffer.getvalue()


def write_xlsx(target, sheets: Iterable[tuple[str, Iterable[str], Iterable[tuple]]]) -> int:
    """Write (title, header, rows) sheets with a write-only workbook; returns rows written.

    Rows past Excel's limit are not written; the caller says so in the report.
    """
    workbook = Workbook(write_only=True)
    written = 0
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([neutralise(h) for h in header])
        for count, row in enumerate(rows):
            if count >= XLSX_MAX_ROWS:
                break
            sheet.append([_xlsx_cell(v) for v in row])
            written += 1
    workbook.save(target)
    return written


def _xlsx_cell(value):
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(_printable(str(value)))


def _printable(text: str) -> str:
    # XML 1.0 (the xlsx format) cannot carry most control characters; drop them.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
