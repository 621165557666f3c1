"""Shared pieces of Pantau's PDF documents: fonts, safe text, styles, tables, number formats, page footer.

reportlab platypus for the documents, reportlab.graphics for the charts
(app.reports.pdf_charts). Text is set in DejaVu Sans (Debian's
fonts-dejavu-core), which covers Latin, Greek and Cyrillic; any character the
font lacks (emoji, CJK) is replaced by "?" rather than crashing the build or
printing an empty box. Without the TTF the documents fall back to Helvetica
and the same replacement keeps them to what Helvetica can draw. Everything a
respondent typed is XML-escaped before it reaches a Paragraph.
"""
from __future__ import annotations

import os
from xml.sax.saxutils import escape as xml_escape

from flask import current_app, has_app_context
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from analysis.rounding import format_id

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core; PANTAU_FONT_DIR overrides it
BLUE = colors.HexColor("#0b5394")
RED = colors.HexColor("#b3261e")
LIGHT = colors.HexColor("#eef2f6")
GREY = colors.HexColor("#5b6b7b")
PAGE_WIDTH = A4[0] - 4 * cm  # the text width inside the 2 cm margins


class _Fonts:
    """Registered once per process; `covers` says which characters can be drawn."""

    regular = "Helvetica"
    bold = "Helvetica-Bold"
    _cmap: frozenset[int] | None = None
    _ready = False

    @classmethod
    def ensure(cls) -> None:
        if cls._ready:
            return
        cls._ready = True
        # Read when the first document is built, not at import: the setting lives in app.config.build_config.
        font_dir = DEFAULT_FONT_DIR
        if has_app_context():
            font_dir = current_app.config.get("PANTAU_FONT_DIR", DEFAULT_FONT_DIR)
        regular = os.path.join(font_dir, "DejaVuSans.ttf")
        bold = os.path.join(font_dir, "DejaVuSans-Bold.ttf")
        try:
            face = TTFont("PantauSans", regular)
            pdfmetrics.registerFont(face)
            pdfmetrics.registerFont(TTFont("PantauSans-Bold", bold if os.path.exists(bold) else regular))
        except Exception:  # noqa: BLE001 - a missing or broken font file must not stop the report
            return
        cls.regular, cls.bold = "PantauSans", "PantauSans-Bold"
        cls._cmap = frozenset(face.face.charToGlyph)

    @classmethod
    def covers(cls, char: str) -> bool:
        code = ord(char)
        if cls._cmap is None:  # Helvetica: WinAnsi, roughly Latin-1
            return 32 <= code < 256
        return code in cls._cmap


Fonts = _Fonts


def clean(text) -> str:
    """Text the font can draw: unknown characters become '?', control characters a space."""
    _Fonts.ensure()
    out = []
    for ch in str(text):
        if ch in "\n\r\t":
            out.append(" ")
        elif ord(ch) < 32:
            continue
        else:
            out.append(ch if _Fonts.covers(ch) else "?")
    return "".join(out)


def para_text(text) -> str:
    """Safe Paragraph markup for untrusted text: cleaned, then XML-escaped."""
    return xml_escape(clean(text))


def wrap(text, width: float, font_size: float, bold: bool = False, max_lines: int = 4) -> list[str]:
    """`text` cleaned and broken into lines no wider than `width` points (for chart labels).

    Words are never cut; a text longer than `max_lines` keeps its first lines
    and ends the last one with the rest of its words, so nothing is dropped.
    """
    font = _Fonts.bold if bold else _Fonts.regular
    lines = simpleSplit(clean(text), font, font_size, width) or [""]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], " ".join(lines[max_lines - 1:])]
    return lines


def styles() -> dict[str, ParagraphStyle]:
    _Fonts.ensure()
    base = ParagraphStyle("base", fontName=_Fonts.regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "body": ParagraphStyle("body", parent=base, fontSize=10, leading=14, alignment=TA_JUSTIFY, spaceAfter=5),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "h1": ParagraphStyle("h1", parent=base, fontName=_Fonts.bold, fontSize=14, leading=18, spaceBefore=6,
                             spaceAfter=6, textColor=BLUE, keepWithNext=1),
        "chapter": ParagraphStyle("chapter", parent=base, fontName=_Fonts.bold, fontSize=14, leading=19,
                                  spaceBefore=4, spaceAfter=10, textColor=BLUE, alignment=TA_CENTER,
                                  keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=_Fonts.bold, fontSize=11, leading=14, spaceBefore=8,
                             spaceAfter=4, keepWithNext=1),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName=_Fonts.bold, fontSize=22, leading=28,
                                      alignment=TA_CENTER, textColor=BLUE),
        "cover": ParagraphStyle("cover", parent=base, fontSize=13, leading=18, alignment=TA_CENTER),
        "cover_score": ParagraphStyle("cover_score", parent=base, fontName=_Fonts.bold, fontSize=40, leading=48,
                                      alignment=TA_CENTER, textColor=BLUE),
        "sign": ParagraphStyle("sign", parent=base, fontSize=11, leading=15),
        "sign_name": ParagraphStyle("sign_name", parent=base, fontName=_Fonts.bold, fontSize=11, leading=15),
    }


def numbered_canvas(footer: str):
    class NumberedCanvas(rl_canvas.Canvas):
        """Defers each page so the footer can say 'Halaman X dari Y' (not on the cover)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self.setFont(_Fonts.regular, 8)
                    self.setFillColor(GREY)
                    self.drawString(2 * cm, 1.2 * cm, footer)
                    self.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Halaman {self._pageNumber} dari {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


CELL_FONT_SIZE = 8.5
CELL_PADDING = 12  # reportlab's default 6 pt left and right padding


def _fitted(cell, width: float, bold: bool, right: bool, color):
    """`cell`, or, when it is a string too wide for its column, a Paragraph that wraps at its spaces.

    A plain string in a Table never wraps: too wide, it runs into the next cell
    (the Laporan SKM once printed "NRR" over "Nilai konversi"). Its explicit
    line breaks are kept. A single word wider than the column still needs a
    wider column (tests/pdf_tables.py measures every cell).
    """
    if not isinstance(cell, str) or width is None:
        return cell
    font = _Fonts.bold if bold else _Fonts.regular
    lines = cell.split("\n")
    if max(pdfmetrics.stringWidth(line, font, CELL_FONT_SIZE) for line in lines) <= width - CELL_PADDING:
        return cell
    style = ParagraphStyle("fitted", fontName=font, fontSize=CELL_FONT_SIZE, leading=10.5, textColor=color,
                           alignment=TA_RIGHT if right else TA_LEFT)
    return Paragraph("<br/>".join(para_text(line) for line in lines), style)


def table(rows, widths, header_rows: int = 1, highlight_rows=(), align_right_from: int | None = None) -> Table:
    _Fonts.ensure()
    highlighted = set(highlight_rows)
    if widths is not None:
        rows = [[_fitted(cell, widths[c], r < header_rows or r in highlighted,
                         align_right_from is not None and c >= align_right_from,
                         RED if r in highlighted else colors.black) for c, cell in enumerate(row)]
                for r, row in enumerate(rows)]
    result = Table(rows, colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONT", (0, 0), (-1, -1), _Fonts.regular, 8.5),
        ("FONT", (0, 0), (-1, header_rows - 1), _Fonts.bold, 8.5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), LIGHT),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c5ced8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if align_right_from is not None:
        style.append(("ALIGN", (align_right_from, 0), (-1, -1), "RIGHT"))
    for r in highlight_rows:
        style += [("TEXTCOLOR", (0, r), (-1, r), RED), ("FONT", (0, r), (-1, r), _Fonts.bold, 8.5)]
    result.setStyle(TableStyle(style))
    return result


def fmt(value, places: int = 2) -> str:
    return "—" if value is None else format_id(value, places)


def ci_text(ci) -> str:
    return "—" if ci is None else f"{format_id(ci[0], 2)} – {format_id(ci[1], 2)}"


def axis_number(value) -> str:
    """An axis tick the Indonesian way, with only the decimals it needs: 2 ; 2,5 ; 0,25."""
    for places in (0, 1, 2):
        if abs(value * 10**places - round(value * 10**places)) < 1e-9:
            return format_id(value, places)
    return format_id(value, 2)
