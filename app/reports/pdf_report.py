"""The IKM reports as A4 PDFs fit to sign and attach to a Laporan Kinerja.

`render_pdf` is the compact report (cover, numbered sections, closing page);
`render_laporan_skm` is the "Laporan Hasil SKM" in the structure PermenPAN-RB
14/2017 expects (app.reports.pdf_laporan_skm). The building blocks live in
small modules: pdf_base (fonts, safe text, styles, tables), pdf_charts,
pdf_pages (cover and signature page) and pdf_sections (the content).
"""
from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate

from app.core.local_time import now_utc
from app.reports import pdf_inference, pdf_sections
from app.reports.pdf_base import Fonts, clean, numbered_canvas, para_text, styles
from app.reports.pdf_pages import DocumentInfo, closing_page, cover
from app.reports.rollup import IkmReport

__all__ = ["build", "clean", "para_text", "render_laporan_skm", "render_pdf"]
_Fonts = Fonts  # kept for callers and tests that reach the font state through this module


def build(report: IkmReport, story: list, title: str, footer_title: str) -> bytes:
    """Lay out `story` on A4 with the footer 'footer_title · unit · period' and 'Halaman X dari Y'."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                            bottomMargin=2 * cm, title=clean(f"{title} {report.scope_label} {report.period.label}"),
                            author="Pantau", subject="Survei Kepuasan Masyarakat")
    region = f" · {report.region.name}" if report.region is not None else ""
    footer = clean(f"{footer_title} · {report.unit.code}{region} · {report.period.label}")
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _info(generated_at: datetime | None, logo_path: str | None) -> DocumentInfo:
    return DocumentInfo(generated_at=generated_at or now_utc(), logo_path=logo_path)


def render_pdf(report: IkmReport, generated_at: datetime | None = None, logo_path: str | None = None) -> bytes:
    """The compact IKM report."""
    Fonts.ensure()
    st = styles()
    info = _info(generated_at, logo_path)
    story = cover(report, st, info)
    story += pdf_sections.summary(report, st)
    story += pdf_sections.unsur(report, st)
    story += pdf_sections.layanan(report, st)
    story += pdf_sections.units(report, st)
    story += pdf_inference.comparison_section(report, st)
    story += pdf_sections.trend(report, st)
    story += pdf_sections.profile(report, st)
    story += pdf_sections.kritik(report, st)
    story += closing_page(report, st, info)
    return build(report, story, "Laporan IKM", "Laporan IKM")


def render_laporan_skm(report: IkmReport, generated_at: datetime | None = None,
                       logo_path: str | None = None) -> bytes:
    """The "Laporan Hasil SKM" (PermenPAN-RB 14/2017 structure)."""
    from app.reports import pdf_laporan_skm

    Fonts.ensure()
    return build(report, pdf_laporan_skm.story(report, styles(), _info(generated_at, logo_path)),
                 "Laporan Hasil SKM", "Laporan Hasil SKM")


RENDERERS = {"pdf": render_pdf, "laporan-skm": render_laporan_skm}  # format name -> renderer (URL and CLI)
