"""Empty template files (CSV and XLSX) for each monitoring import, built from the importers' own columns.

Why: the import page never said which columns a file needs, so the first try of
every admin ended in "kolom hilang". The column lists here are the importers'
REQUIRED/OPTIONAL tuples themselves, so a template can never drift from what
the importer reads.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from app.monitoring import income_import, pendamping_import, reference_lines_import


@dataclass(frozen=True)
class ImportKind:
    code: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


KINDS = {k.code: k for k in (
    ImportKind("pendamping", "Registri pendamping", pendamping_import.REQUIRED, pendamping_import.OPTIONAL),
    ImportKind("income", "Sampel pendapatan KPM (data lama)", income_import.REQUIRED, income_import.OPTIONAL),
    ImportKind("poverty", "Garis kemiskinan per provinsi", reference_lines_import.POVERTY_REQUIRED),
    ImportKind("umk", "UMK per kab/kota", reference_lines_import.UMK_REQUIRED),
)}
FORMATS = ("csv", "xlsx")


def template_csv(kind: ImportKind) -> bytes:
    """The header row, UTF-8 with a BOM (Excel then reads it as UTF-8), every field quoted."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(kind.columns)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: ImportKind) -> bytes:
    """One sheet with the header row (required columns bold), frozen, columns wide enough to read."""
    book = Workbook()
    sheet = book.active
    sheet.title = kind.code
    sheet.append(list(kind.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=cell.value in kind.required)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) + 4)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
