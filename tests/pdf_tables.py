"""Record every table a PDF builds and find cells whose text cannot fit their column.

A plain string in a reportlab Table never wraps: wider than its column, it runs
into the next cell ("NRR" over "Nilai konversi"). A Paragraph wraps at spaces,
but a single word wider than the column overflows the same way. Both are
measured with the fonts the table draws them in (reportlab's stringWidth).
"""
from __future__ import annotations

from contextlib import contextmanager

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from app.reports import pdf_base

PADDING = 12  # reportlab's default 6 pt left and right padding of a table cell
FONT_SIZE = 8.5  # pdf_base.table's cell font


@contextmanager
def recorded_tables():
    """Every Table made through app.reports.pdf_base.table while the block runs."""
    made: list[Table] = []

    class Recording(Table):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    original = pdf_base.Table
    pdf_base.Table = Recording
    try:
        yield made
    finally:
        pdf_base.Table = original


def _text(cell) -> str:
    return cell.getPlainText() if isinstance(cell, Paragraph) else str(cell).replace("\n", " ")


def overflowing_cells(tables: list[Table]) -> list[str]:
    """'header "NRR": 31.2 pt > 27.0 pt' for each cell (header or body) too wide for its column."""
    pdf_base.Fonts.ensure()
    found = []
    for grid in tables:
        header_rows = grid.repeatRows if isinstance(grid.repeatRows, int) else len(grid.repeatRows)
        for r, row in enumerate(grid._cellvalues):
            for c, cell in enumerate(row):
                room = grid._argW[c] - PADDING
                if isinstance(cell, (list, tuple)):  # reportlab keeps a flowable cell as a tuple of flowables
                    cell = next((part for part in cell if isinstance(part, Paragraph)), None)
                if isinstance(cell, Paragraph):
                    need = cell.minWidth()
                elif isinstance(cell, str):
                    font = pdf_base.Fonts.bold if r < header_rows else pdf_base.Fonts.regular
                    need = max(stringWidth(line, font, FONT_SIZE) for line in cell.split("\n"))  # lines break at \n
                else:
                    continue
                if need > room + 0.01:
                    where = "header" if r < header_rows else f"row {r}"
                    found.append(f'{where} "{_text(cell)}": {need:.1f} pt > {room:.1f} pt')
    return found
