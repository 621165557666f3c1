"""XLSX in openpyxl write-only mode: rows stream through, memory stays flat, every text cell neutralised.

Row 1 holds Indonesian labels, row 2 (optionally) the machine codes; dates are
date cells, scores carry their number format, and a sheet that reaches
Excel's row limit continues on a numbered sheet under the same header.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.reports.exports import DATETIME_FORMAT, Column, neutralise

# Data rows per sheet: Excel's 1,048,576, less two header rows and the "continued on" note.
XLSX_MAX_ROWS = 1_048_573


@dataclass
class Sheet:
    """A worksheet to write: Indonesian labels in row 1, codes in row 2 (when `codes_row`), then rows."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    codes_row: bool = True


LABEL_FONT = Font(bold=True)
LABEL_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
CODE_FONT = Font(italic=True, color="5B6B7B", size=9)


def write_xlsx(target, sheets: Iterable[Sheet | tuple[str, Iterable[str], Iterable[Sequence]]]) -> int:
    """Write sheets with a write-only workbook (rows stream through; memory stays flat); returns data rows written.

    Each sheet gets a frozen header, an autofilter over header and data, and
    the columns' widths and number formats (dates as date cells, scores with
    two decimals). A sheet that reaches Excel's row limit (XLSX_MAX_ROWS data
    rows) ends with a note naming the next sheet, "Responden (2)", where the
    rows continue under the same header. A plain (title, header, rows) tuple is
    a sheet with one header row.
    """
    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        if not isinstance(spec, Sheet):
            title, header, rows = spec
            spec = Sheet(title, [Column(str(h), str(h), max(10, len(str(h)) + 2)) for h in header], rows,
                         codes_row=False)
        rows = iter(spec.rows)
        part, pending = 1, None
        while True:
            title = spec.title[:31] if part == 1 else f"{spec.title[:25]} ({part})"
            sheet = _start_sheet(workbook, spec, title)
            count = 0
            if pending is not None:
                sheet.append(pending)
                count, pending = 1, None
            for row in rows:
                cells = [_xlsx_cell(sheet, v, c) for v, c in zip(row, spec.columns, strict=False)]
                if count >= XLSX_MAX_ROWS:
                    pending = cells
                    break
                sheet.append(cells)
                count += 1
            written += count
            header_rows = 2 if spec.codes_row else 1
            last = get_column_letter(max(1, len(spec.columns)))
            sheet.auto_filter.ref = f"A{header_rows}:{last}{header_rows + count}"
            if pending is None:
                break
            part += 1
            limit = f"{XLSX_MAX_ROWS:,}".replace(",", ".")
            sheet.append([_styled(sheet, f"Lanjutan di lembar '{spec.title[:25]} ({part})': batas {limit} baris "
                                         "per lembar tercapai.", LABEL_FONT)])
    workbook.save(target)
    return written


def _start_sheet(workbook, spec: Sheet, title: str):
    """A new write-only sheet with the spec's widths, frozen header rows and labels (and codes)."""
    sheet = workbook.create_sheet(title=title)
    for i, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    header_rows = 2 if spec.codes_row else 1
    sheet.freeze_panes = f"A{header_rows + 1}"
    # Wrapped labels need a tall enough first row; spreadsheet programs do not grow it on their own.
    lines = max((math.ceil(len(c.label) * 1.1 / max(c.width - 1, 1)) for c in spec.columns), default=1)
    sheet.row_dimensions[1].height = 15 * max(1, min(lines, 4))
    sheet.append([_styled(sheet, neutralise(c.label), LABEL_FONT, LABEL_ALIGNMENT) for c in spec.columns])
    if spec.codes_row:
        sheet.append([_styled(sheet, c.code, CODE_FONT) for c in spec.columns])
    return sheet


def _styled(sheet, value, font: Font, alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _xlsx_cell(sheet, value, column: Column):
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, date):  # datetime too
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = column.number_format if _is_date_format(column.number_format) else DATETIME_FORMAT
        return cell
    if isinstance(value, int | float):
        if column.number_format and not _is_date_format(column.number_format):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = column.number_format
            return cell
        return value
    return neutralise(_printable(str(value)))


def _is_date_format(number_format: str | None) -> bool:
    return bool(number_format) and "yy" in number_format


def _printable(text: str) -> str:
    # XML 1.0 (the xlsx format) cannot carry most control characters; drop them.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
