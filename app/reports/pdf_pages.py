"""The frame of every IKM document: the cover (with the unit's logo) and the closing signature page.

The closing page follows the form Indonesian official reports use: place and
date, "Mengetahui,", the position and name of the head of unit with room for
a signature, and the NIP when known. All of it comes from the unit settings an
admin fills in (Unit.report_place, head_title, head_name, head_nip); what is
not filled in is left out or replaced by a neutral wording, never by a
placeholder. Dates and times are local, with WIB, WITA or WIT.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image as PilImage
from reportlab.lib.units import cm
from reportlab.platypus import Image, PageBreak, Paragraph, Spacer, Table, TableStyle

from analysis.rounding import format_id
from app.core.local_time import date_id, datetime_id, to_local
from app.reports.pdf_base import PAGE_WIDTH, para_text
from app.reports.rollup import IkmReport

LOGO_MAX_HEIGHT = 3 * cm
LOGO_MAX_WIDTH = 6 * cm


@dataclass(frozen=True)
class DocumentInfo:
    """What a document needs besides the report: when it was made (aware UTC) and the cover logo file."""

    generated_at: datetime
    logo_path: str | None = None

    def generated_text(self, report: IkmReport) -> str:
        return datetime_id(self.generated_at, report.unit.timezone)

    def local_date(self, report: IkmReport) -> str:
        return date_id(to_local(self.generated_at, report.unit.timezone))


def logo_flowable(path: str | None):
    """The logo scaled to fit 6 × 3 cm, or None when there is none or it cannot be read."""
    if not path:
        return None
    try:
        with PilImage.open(path) as image:
            width, height = image.size
    except Exception:  # noqa: BLE001 - a damaged logo file must not stop the report
        return None
    scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
    return Image(path, width=width * scale, height=height * scale)


def cover(report: IkmReport, st, info: DocumentInfo, title: str = "Laporan Survei Kepuasan Masyarakat") -> list:
    head = report.headline
    logo = logo_flowable(info.logo_path)
    story = [logo, Spacer(1, 1.2 * cm)] if logo is not None else [Spacer(1, 3.5 * cm)]
    story += [Paragraph(para_text(title), st["cover_title"]),
              Spacer(1, 0.3 * cm),
              Paragraph("Indeks Kepuasan Masyarakat (IKM)", st["cover"]),
              Spacer(1, 1.2 * cm),
              Paragraph(para_text(report.scope_label), st["cover"]),
              Paragraph(para_text(report.period.label), st["cover"]),
              Paragraph(para_text(report.region_label), st["cover"]),
              Spacer(1, 1.5 * cm)]
    if head is None:
        story.append(Paragraph("Belum ada respons pada periode ini.", st["cover"]))
    else:
        story += [Paragraph(format_id(head.score, 2), st["cover_score"]),
                  Paragraph(f"Mutu {head.grade} · {head.performance}", st["cover"]),
                  Paragraph(f"n = {format_id(head.n_respondents, 0)} responden", st["cover"])]
    story += [Spacer(1, 2.5 * cm if logo is not None else 3 * cm),
              Paragraph("Dihitung menurut PermenPAN-RB No. 14 Tahun 2017 (bobot 1/9 per unsur, nilai konversi = "
                        "IKM × 25), dibulatkan hanya untuk tampilan.", st["small"]),
              Paragraph(para_text(f"Dibuat {info.generated_text(report)} oleh Pantau."), st["small"]),
              PageBreak()]
    return story


def signature_block(report: IkmReport, st, info: DocumentInfo) -> Table:
    """Place and date, "Mengetahui,", position, room to sign, name and NIP, set in the right half."""
    unit = report.unit
    place_date = info.local_date(report)
    if unit.report_place:
        place_date = f"{unit.report_place}, {place_date}"
    position = unit.head_title or f"Pimpinan {unit.name}"
    cells = [[Paragraph(para_text(place_date), st["sign"])],
             [Paragraph("Mengetahui,", st["sign"])],
             [Paragraph(para_text(f"{position},"), st["sign"])],
             [Spacer(1, 2.6 * cm)]]
    style = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if unit.head_name:
        cells.append([Paragraph(f"<u>{para_text(unit.head_name)}</u>", st["sign_name"])])
    else:  # a line to write the name on by hand
        cells.append([Spacer(1, 0.5 * cm)])
        style.append(("LINEBELOW", (0, len(cells) - 1), (0, len(cells) - 1), 0.6, "#000000"))
    if unit.head_nip:
        cells.append([Paragraph(para_text(f"NIP {unit.head_nip}"), st["sign"])])
    block = Table(cells, colWidths=[7.5 * cm])
    block.setStyle(TableStyle(style))
    outer = Table([["", block]], colWidths=[PAGE_WIDTH - 7.5 * cm, 7.5 * cm])
    outer.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return outer


def closing_page(report: IkmReport, st, info: DocumentInfo, heading: str = "Pengesahan",
                 text: str | None = None) -> list:
    text = text or (f"Laporan ini disusun dari data Survei Kepuasan Masyarakat yang tercatat di Pantau dan "
                    f"diolah pada {info.generated_text(report)}.")
    return [PageBreak(), Paragraph(para_text(heading), st["h1"]), Paragraph(para_text(text), st["body"]),
            Spacer(1, 1 * cm), signature_block(report, st, info)]
