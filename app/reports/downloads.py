"""One IKM download in any format, for the web (GET /laporan/ikm.<fmt>) and the command line (report ikm).

Both name a scope, a period and a format; this module decides once what each
format is made of. The caller only moves the result: the web as a response,
the command line into a file or stdout.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from app.core.periods import Period
from app.reports import exports, ikm_json, pdf_report, unit_logo, workbook
from app.reports.ikm import build_report
from app.reports.scope import ReportScope

PDF_FORMATS = tuple(pdf_report.RENDERERS)  # pdf (compact), laporan-skm (PermenPAN-RB 14/2017 structure)
FORMATS = (*PDF_FORMATS, *exports.CSV_FORMATS, "xlsx", "json")
ROW_FORMATS = (*exports.CSV_FORMATS, "xlsx")  # one row per response: large ones run as queued jobs
BINARY_FORMATS = (*PDF_FORMATS, "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Download:
    """What a format is made of; exactly one of `text`, `document`, `content` and `write` is set."""

    filename: str
    mimetype: str
    text: Iterator[str] | None = None  # CSV, streamed in chunks
    document: dict | None = None  # JSON, serialised by the caller
    content: bytes | None = None  # PDF
    write: Callable[[BinaryIO], object] | None = None  # XLSX, written to a binary file


def download(scope: ReportScope, period: Period, fmt: str, *, exclude_flagged: bool, instance_path: str,
             progress: Callable[[int], object] | None = None) -> Download:
    """The IKM report of `scope` and `period` as `fmt` (one of FORMATS).

    `progress(responses so far)` follows the response rows of a CSV or XLSX as they stream
    (a queued export's progress, app.reports.export_jobs).
    """
    stem = scope.file_stem(period)
    if fmt in exports.CSV_FORMATS:
        # Rows straight from the database: no report is built for a CSV.
        return Download(row_filename(scope, period, fmt), mimetype(fmt),
                        text=exports.response_csv_chunks(scope.layanan_ids, period, exclude_flagged, fmt,
                                                         progress=progress))
    report = build_report(scope.unit, period, scope.layanan, exclude_flagged, region=scope.region, scope=scope)
    if fmt == "json":
        return Download(f"ikm-{stem}.json", "application/json", document=ikm_json.report_json(report))
    if fmt in pdf_report.RENDERERS:
        logo = unit_logo.path_for(report.unit.logo_file, instance_path)
        name = f"ikm-{stem}" if fmt == "pdf" else f"laporan-hasil-skm-{stem}"
        return Download(f"{name}.pdf", "application/pdf",
                        content=pdf_report.RENDERERS[fmt](report, logo_path=logo))
    if fmt == "xlsx":
        return Download(row_filename(scope, period, fmt), XLSX_MIMETYPE,
                        write=lambda handle: workbook.write_report_xlsx(report, handle, progress=progress))
    raise ValueError(f"unknown format {fmt!r}")


def row_filename(scope: ReportScope, period: Period, fmt: str) -> str:
    """The download name of a response-level format (ROW_FORMATS), inline or from a queued job."""
    stem = scope.file_stem(period)
    return f"ikm-{stem}.xlsx" if fmt == "xlsx" else f"ikm-{stem}{exports.CSV_FORMATS[fmt].suffix}.csv"


def mimetype(fmt: str) -> str:
    return XLSX_MIMETYPE if fmt == "xlsx" else "text/csv"
