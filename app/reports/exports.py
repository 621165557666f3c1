"""Response-level exports: the rows and their columns, CSV streamed in constant memory (XLSX: app.reports.xlsx).

Both carry unsur codes (U1..U9), the form version and the data-quality flags,
and neutralise spreadsheet formula injection: a text cell that begins with
=, +, -, @, a tab or a carriage return gets a leading apostrophe, so a
kritik dan saran like "=HYPERLINK(...)" is shown as text, never evaluated.

CSV comes in two flavours (CSV_FORMATS): "csv", comma-separated with the
decimal point, for scripts; and "csv-id", `;`-separated with the decimal
comma, which Excel and LibreOffice set to Indonesian open straight into
columns. Both quote every field, so a separator inside a text ("x;=1+1;y")
never starts a new cell. Times are given in the unit's own zone (WIB, WITA,
WIT) beside UTC; in XLSX they are real date cells.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, String, case, cast, func, literal, select

from analysis.ikm import UNSUR
from app.core import report_db
from app.core.local_time import DEFAULT_ZONE, ZONE_ABBR, to_local, zone_abbr
from app.core.periods import Period
from app.extensions import db
from app.models import Layanan, RespondentCategory, SkmResponse, Unit
from app.models.skm import JENIS_KELAMIN, UNSUR_COLUMNS
from app.skm import summary as skm_stats

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2000
DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"
DATE_FORMAT = "dd-mm-yyyy"
SCORE_FORMAT = "0.00"


@dataclass(frozen=True)
class CsvFormat:
    name: str
    label: str
    delimiter: str
    decimal: str
    suffix: str  # added to the download's file name


CSV_FORMATS = {
    "csv": CsvFormat("csv", "CSV", ",", ".", ""),
    "csv-id": CsvFormat("csv-id", "CSV (Excel Indonesia)", ";", ",", "-excel-id"),
}


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: machine code (CSV header, XLSX second header row), Indonesian label, layout."""

    code: str
    label: str
    width: float = 12
    number_format: str | None = None


UNSUR_LABELS = {u.code: f"{u.code} {u.name}" for u in UNSUR}

RESPONSE_COLUMNS: tuple[Column, ...] = (
    Column("id", "ID respons", 10),
    Column("instance_id", "ID instans", 36),
    Column("unit", "Kode unit", 12),
    Column("layanan", "Layanan (slug)", 22),
    Column("period", "Bulan", 9),
    Column("submitted_at_local", "Waktu pengisian (waktu setempat)", 20, DATETIME_FORMAT),
    Column("zona_waktu", "Zona waktu", 8),
    Column("submitted_at_utc", "Waktu pengisian (UTC)", 20, DATETIME_FORMAT),
    Column("form_version", "Versi formulir", 13),
    Column("channel", "Saluran", 9),
    *(Column(c.upper(), UNSUR_LABELS[c.upper()], 14) for c in UNSUR_COLUMNS),
    Column("jenis_kelamin", "Jenis kelamin (kode)", 8),
    Column("jenis_kelamin_label", "Jenis kelamin", 12),
    Column("usia", "Usia (tahun)", 8),
    Column("pendidikan", "Pendidikan", 11),
    Column("pekerjaan", "Pekerjaan", 11),
    Column("kategori_responden", "Kategori responden (kode)", 16),
    Column("kategori_responden_label", "Kategori responden", 24),
    Column("service_date", "Tanggal layanan", 12, DATE_FORMAT),
    Column("kritik_saran", "Kritik dan saran", 60),
    Column("flag_straightline", "Tanda: jawaban seragam (1 = ya)", 10),
    Column("flag_too_fast", "Tanda: terlalu cepat (1 = ya)", 10),
    Column("flag_repeat_device", "Tanda: perangkat berulang (1 = ya)", 10),
    Column("flag_stamp_reused", "Tanda: formulir dipakai ulang (1 = ya)", 10),
    Column("flagged", "Bertanda kualitas data (1 = ya)", 10),
)
RESPONSE_CODES = tuple(c.code for c in RESPONSE_COLUMNS)
RESPONSE_HEADER = RESPONSE_CODES  # the CSV header: stable codes scripts can rely on

CHANNEL_LABELS = {"web": "Formulir web", "kiosk": "Kios/anjungan", "import": "Impor berkas", "api": "API"}


def neutralise(value):
    """Make a cell safe for spreadsheets; non-text values pass through."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def response_query(layanan_ids: list[int], period: Period, exclude_flagged: bool = False) -> Select:
    flagged = skm_stats.any_flag()
    return (
        select(
            SkmResponse.id, SkmResponse.instance_id, Unit.code, Unit.timezone, Layanan.slug, SkmResponse.period,
            SkmResponse.submitted_at, SkmResponse.form_version, SkmResponse.channel,
            *(getattr(SkmResponse, c) for c in UNSUR_COLUMNS),
            SkmResponse.jenis_kelamin, SkmResponse.usia, SkmResponse.pendidikan, SkmResponse.pekerjaan,
            RespondentCategory.code, RespondentCategory.name, SkmResponse.service_date, SkmResponse.kritik_saran,
            SkmResponse.flag_straightline, SkmResponse.flag_too_fast, SkmResponse.flag_repeat_device,
            SkmResponse.flag_stamp_reused, flagged,
        )
        .join(Layanan, Layanan.id == SkmResponse.layanan_id)
        .join(Unit, Unit.id == Layanan.unit_id)
        .outerjoin(RespondentCategory, RespondentCategory.id == SkmResponse.respondent_category_id)
        .where(*skm_stats.response_filter(layanan_ids, period, exclude_flagged))
        .order_by(SkmResponse.id)
    )


def _record(row) -> tuple:
    """A query row as the RESPONSE_COLUMNS values: local time beside UTC, labels beside codes, flags 0/1."""
    (rid, instance_id, unit, tz_name, slug, month, submitted, form_version, channel, *rest) = row
    answers, rest = rest[:len(UNSUR_COLUMNS)], rest[len(UNSUR_COLUMNS):]
    (jk, usia, pendidikan, pekerjaan, cat_code, cat_name, service_date, kritik, *flags) = rest
    utc = submitted.replace(microsecond=0) if submitted is not None else None
    return (rid, str(instance_id) if instance_id is not None else None, unit, slug, month,
            to_local(utc, tz_name) if utc is not None else None, zone_abbr(tz_name), utc, form_version, channel,
            *answers, jk, JENIS_KELAMIN.get(jk) if jk else None, usia, pendidikan, pekerjaan, cat_code, cat_name,
            service_date, kritik, *(None if f is None else int(bool(f)) for f in flags))


def iter_response_rows(layanan_ids: list[int], period: Period, exclude_flagged: bool = False) -> Iterator[tuple]:
    """RESPONSE_COLUMNS rows straight from a server-side cursor, BATCH at a time."""
    if not layanan_ids:
        return
    stmt = response_query(layanan_ids, period, exclude_flagged).execution_options(
        stream_results=True, yield_per=BATCH)
    result = report_db.execute(stmt)
    try:
        for partition in result.partitions(BATCH):
            for row in partition:
                yield _record(row)
    finally:
        result.close()


# ---- CSV ------------------------------------------------------------------------------

def counted(rows: Iterable[tuple], progress: Callable[[int], object] | None, every: int | None = None
            ) -> Iterator[tuple]:
    """`rows` unchanged, telling `progress` how many have passed every `every` rows and at the end
    (a queued export's progress bar, app.reports.export_jobs); without `progress`, `rows` itself."""
    if progress is None:
        yield from rows
        return
    every, done = every or BATCH, 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done)
    progress(done)


def response_csv_chunks(layanan_ids: list[int], period: Period, exclude_flagged: bool = False,
                        fmt: str = "csv", progress: Callable[[int], object] | None = None) -> Iterator[str]:
    """The response export as CSV text chunks, the same bytes on every database.

    On PostgreSQL the server formats the rows (COPY (SELECT ...) TO STDOUT,
    every field text-cast, neutralised and quoted in SQL), and Python only
    relays blocks: hundreds of thousands of rows a second in constant memory
    (issue 17). Elsewhere the rows stream from a server-side cursor through
    csv_chunks. tests/reports/test_export_scale.py checks both give identical text.
    `progress(rows so far)` is called as the rows pass (every block or BATCH rows, and at the end).
    """
    if layanan_ids and report_db.engine().dialect.name == "postgresql":
        return _pg_copy_chunks(layanan_ids, period, exclude_flagged, fmt, progress)
    return csv_chunks(counted(iter_response_rows(layanan_ids, period, exclude_flagged), progress), fmt=fmt)


def _sql_text(column):
    """A text column as csv_chunks writes it: NULL as '', formula prefixes neutralised."""
    first = func.substr(column, 1, 1)
    return func.coalesce(case((first.in_(DANGEROUS_PREFIXES), literal("'") + column), else_=column), "")


def _sql_int(column):
    return func.coalesce(cast(column, String), "")


def _sql_flag(column):
    return case((column.is_(None), ""), (column, "1"), else_="0")


def _sql_mapped(column, mapping: dict[str, str], default: str):
    return case(*((column == key, neutralise(value)) for key, value in mapping.items()), else_=default)


def _copy_query(layanan_ids: list[int], period: Period, exclude_flagged: bool) -> Select:
    """response_query's rows as _record + _csv_cell would write them, formatted by PostgreSQL."""
    zone = func.coalesce(Unit.timezone, DEFAULT_ZONE)
    utc = func.date_trunc("second", SkmResponse.submitted_at)
    stamp = "YYYY-MM-DD HH24:MI:SS"
    local = func.to_char(func.timezone(zone, func.timezone("UTC", utc)), stamp)
    jk = SkmResponse.jenis_kelamin
    return (
        select(
            _sql_int(SkmResponse.id), func.coalesce(cast(SkmResponse.instance_id, String), ""),
            _sql_text(Unit.code), _sql_text(Layanan.slug), _sql_text(SkmResponse.period),
            func.coalesce(local, ""), _sql_mapped(zone, ZONE_ABBR, "WIB"), func.coalesce(func.to_char(utc, stamp), ""),
            _sql_text(SkmResponse.form_version), _sql_text(SkmResponse.channel),
            *(_sql_int(getattr(SkmResponse, c)) for c in UNSUR_COLUMNS),
            _sql_text(jk), case((func.coalesce(jk, "") == "", ""), else_=_sql_mapped(jk, JENIS_KELAMIN, "")),
            _sql_int(SkmResponse.usia), _sql_text(SkmResponse.pendidikan), _sql_text(SkmResponse.pekerjaan),
            _sql_text(RespondentCategory.code), _sql_text(RespondentCategory.name),
            func.coalesce(func.to_char(SkmResponse.service_date, "YYYY-MM-DD"), ""),
            _sql_text(SkmResponse.kritik_saran),
            _sql_flag(SkmResponse.flag_straightline), _sql_flag(SkmResponse.flag_too_fast),
            _sql_flag(SkmResponse.flag_repeat_device), _sql_flag(SkmResponse.flag_stamp_reused),
            _sql_flag(skm_stats.any_flag()),
        )
        .join(Layanan, Layanan.id == SkmResponse.layanan_id)
        .join(Unit, Unit.id == Layanan.unit_id)
        .outerjoin(RespondentCategory, RespondentCategory.id == SkmResponse.respondent_category_id)
        .where(*skm_stats.response_filter(layanan_ids, period, exclude_flagged, literal_ids=True))
        .order_by(SkmResponse.id)
    )


COPY_BLOCK = 256 * 1024  # bytes relayed per chunk


def _pg_copy_chunks(layanan_ids: list[int], period: Period, exclude_flagged: bool, fmt: str,
                    progress: Callable[[int], object] | None = None) -> Iterator[str]:
    spec = CSV_FORMATS[fmt]
    engine = report_db.engine()
    query = str(_copy_query(layanan_ids, period, exclude_flagged).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    delimiter = spec.delimiter.replace("'", "''")
    sql = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}', FORCE_QUOTE *)"
    header = io.StringIO()
    csv.writer(header, delimiter=spec.delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(
        [neutralise(h) for h in RESPONSE_HEADER])
    yield "\ufeff" + header.getvalue()
    connection = db.session.connection(bind_arguments={"bind": engine})
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        block, size, done = [], 0, 0
        # PostgreSQL sends one CopyData message per row, ending in "\n" (a newline inside a
        # kritik stays inside its quotes): the row terminator becomes csv_chunks' "\r\n".
        for data in copy:
            row = bytes(data)
            block.append(row[:-1])
            size += len(row) + 1
            if size >= COPY_BLOCK:
                done += len(block)
                yield (b"\r\n".join(block) + b"\r\n").decode()
                block, size = [], 0
                if progress is not None:
                    progress(done)
        if block:
            done += len(block)
            yield (b"\r\n".join(block) + b"\r\n").decode()
        if progress is not None:
            progress(done)


def _csv_cell(value, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return repr(value).replace(".", decimal) if isinstance(value, float) else str(value).replace(".", decimal)
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        return str(value)
    return neutralise(value)


def csv_chunks(rows: Iterable[Sequence], header: Iterable[str] = RESPONSE_HEADER, fmt: str = "csv") -> Iterator[str]:
    """CSV text in chunks of BATCH rows; memory stays flat however many rows there are.

    Starts with a UTF-8 BOM so spreadsheet programs read the text as UTF-8;
    every field is quoted. `fmt` is a CSV_FORMATS key. Strings and ints (most
    cells) skip the type dispatch of _csv_cell.
    """
    spec = CSV_FORMATS[fmt]
    decimal = spec.decimal
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=spec.delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    pending = 0
    first = True
    for row in rows:
        writer.writerow([(v if not v.startswith(DANGEROUS_PREFIXES) else "'" + v) if type(v) is str
                         else v if type(v) is int else _csv_cell(v, decimal) for v in row])
        pending += 1
        if pending >= BATCH:
            yield ("\ufeff" if first else "") + buffer.getvalue()
            first = False
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield ("\ufeff" if first else "") + buffer.getvalue()


def kamus_rows() -> list[tuple[str, str | None, str]]:
    """The 'Kamus' sheet: every response column's code and label, then the code lists behind the values."""
    rows: list[tuple[str, str | None, str]] = [(c.code, None, c.label) for c in RESPONSE_COLUMNS]
    rows += [("jenis_kelamin", code, label) for code, label in JENIS_KELAMIN.items()]
    rows += [("kategori_responden", code, name) for code, name in db.session.execute(
        select(RespondentCategory.code, RespondentCategory.name).order_by(RespondentCategory.sort_order,
                                                                         RespondentCategory.code))]
    rows += [("channel", code, label) for code, label in CHANNEL_LABELS.items()]
    rows += [("U1–U9", str(value), label) for value, label in
             ((1, "Tidak sesuai / tidak baik"), (2, "Kurang sesuai / kurang baik"), (3, "Sesuai / baik"),
              (4, "Sangat sesuai / sangat baik"))]
    rows += [("flag_*", "1", "ya, respons bertanda (tetap tersimpan; dapat dikecualikan)"), ("flag_*", "0", "tidak")]
    return rows


KAMUS_COLUMNS = (Column("kolom", "Kode kolom", 24), Column("kode", "Kode nilai", 18), Column("arti", "Arti", 60))
