"""The IKM report as an A4 PDF fit to attach to a Laporan Kinerja.

reportlab platypus for the document (cover, tables, "Halaman X dari Y"),
reportlab.graphics for the charts. Text is set in DejaVu Sans (Debian's
fonts-dejavu-core), which covers Latin, Greek and Cyrillic; any character the
font lacks (emoji, CJK) is replaced by "?" rather than crashing the build or
printing an empty box. Without the TTF the report falls back to Helvetica and
the same replacement keeps it to what Helvetica can draw. Everything a
respondent typed is XML-escaped before it reaches a Paragraph.
"""
from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from xml.sax.saxutils import escape as xml_escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from analysis.ikm import UNSUR
from analysis.rounding import format_id
from app.services.ikm_report import PROFILE_LABELS, IkmReport

FONT_DIR = os.environ.get("PANTAU_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
BLUE = colors.HexColor("#0b5394")
RED = colors.HexColor("#b3261e")
LIGHT = colors.HexColor("#eef2f6")
KRITIK_IN_PDF = 50


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
        regular = os.path.join(FONT_DIR, "DejaVuSans.ttf")
        bold = os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf")
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


def _styles() -> dict[str, ParagraphStyle]:
    _Fonts.ensure()
    base = ParagraphStyle("base", fontName=_Fonts.regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "h1": ParagraphStyle("h1", parent=base, fontName=_Fonts.bold, fontSize=14, leading=18, spaceBefore=6,
                             spaceAfter=6, textColor=BLUE, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=_Fonts.bold, fontSize=11, leading=14, spaceBefore=8,
                             spaceAfter=4, keepWithNext=1),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName=_Fonts.bold, fontSize=22, leading=28,
                                      alignment=TA_CENTER, textColor=BLUE),
        "cover": ParagraphStyle("cover", parent=base, fontSize=13, leading=18, alignment=TA_CENTER),
        "cover_score": ParagraphStyle("cover_score", parent=base, fontName=_Fonts.bold, fontSize=40, leading=48,
                                      alignment=TA_CENTER, textColor=BLUE),
    }


def _numbered_canvas(footer: str):
    class NumberedCanvas(rl_canvas.Canvas):
        """Defers each page so the footer can say 'Halaman X dari Y'."""

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
                    self.setFillColor(colors.HexColor("#5b6b7b"))
                    self.drawString(2 * cm, 1.2 * cm, footer)
                    self.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Halaman {self._pageNumber} dari {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _table(rows, widths, header_rows: int = 1, highlight_rows=(), align_right_from: int | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
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
    table.setStyle(TableStyle(style))
    return table


def _fmt(value, places: int = 2) -> str:
    return "—" if value is None else format_id(value, places)


def _ci_text(ci) -> str:
    return "—" if ci is None else f"{format_id(ci[0], 2)} – {format_id(ci[1], 2)}"


def _bar_drawing(labels: list[str], values: list[float], *, low: float, high: float, highlight: int | None = None,
                 width: float = 16 * cm, title: str = "", places: int = 2) -> Drawing:
    height = 18 * len(labels) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.2 * cm, 20
    chart.width, chart.height = width - 6.5 * cm, height - 35
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = low, high
    chart.valueAxis.labels.fontName = _Fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [clean(label)[:38] for label in labels]
    chart.categoryAxis.labels.fontName = _Fonts.regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.reverseDirection = True
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    if highlight is not None:
        chart.bars[(0, highlight)].fillColor = RED
    chart.barLabelFormat = lambda v: "" if v is None else format_id(v, places)
    chart.barLabels.fontName = _Fonts.regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    if title:
        drawing.add(String(0, height - 10, clean(title), fontName=_Fonts.bold, fontSize=9))
    return drawing


def _line_drawing(labels: list[str], values: list[float | None], width: float = 16 * cm) -> Drawing:
    drawing = Drawing(width, 170)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, 25, width - 2 * cm, 125
    chart.data = [[v for v in values]]
    present = [v for v in values if v is not None]
    chart.valueAxis.valueMin = max(25, int(min(present)) - 5) if present else 25
    chart.valueAxis.valueMax = min(100, int(max(present)) + 5) if present else 100
    chart.valueAxis.labels.fontName = _Fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [clean(label) for label in labels]
    chart.categoryAxis.labels.fontName = _Fonts.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = BLUE
    chart.lines[0].strokeWidth = 2
    chart.joinedLines = 1
    chart.lineLabelFormat = lambda v: "" if v is None else format_id(v, 2)
    chart.lineLabels.fontName = _Fonts.regular
    chart.lineLabels.fontSize = 7
    chart.lineLabels.dy = 6
    drawing.add(chart)
    return drawing


def _cover(report: IkmReport, st, generated: str) -> list:
    head = report.headline
    story = [Spacer(1, 3.5 * cm),
             Paragraph("Laporan Survei Kepuasan Masyarakat", st["cover_title"]),
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
                  Paragraph(f"{format_id(head.n_respondents, 0)} responden", st["cover"])]
    story += [Spacer(1, 3 * cm),
              Paragraph("Dihitung menurut PermenPAN-RB No. 14 Tahun 2017 (bobot 1/9 per unsur, nilai konversi = "
                        "IKM × 25), dibulatkan hanya untuk tampilan.", st["small"]),
              Paragraph(f"Dibuat {generated} oleh Pantau.", st["small"]),
              PageBreak()]
    return story


def _summary(report: IkmReport, st) -> list:
    head = report.headline
    story = [Paragraph("1. Ringkasan", st["h1"])]
    if head is None:
        return story + [Paragraph("Belum ada respons pada periode ini.", st["base"])]
    rows = [["Ukuran", "Nilai"],
            ["Nilai IKM (konversi, 25–100)", format_id(head.score, 2)],
            ["Nilai IKM (skala 1–4)", format_id(head.index, 4)],
            ["Mutu / kinerja pelayanan", f"{head.grade} / {head.performance}"],
            ["Interval kepercayaan 95%", _ci_text(head.ci)],
            ["Jumlah responden", format_id(head.n_respondents, 0)]]
    rows += caution_rows(head)
    if report.population:
        label = "Populasi penerima layanan (N)" + ("" if report.population_complete else " — sebagian layanan")
        rows += [[label, format_id(report.population, 0)],
                 ["Target sampel Krejcie-Morgan", format_id(report.km_target, 0)],
                 ["Sampel terhadap target", "tercapai" if head.n_respondents >= report.km_target
                  else f"kurang {format_id(report.km_target - head.n_respondents, 0)}"]]
    else:
        rows.append(["Populasi penerima layanan (N)", "belum diisi admin"])
    if head.pooled is not None and len([line for line in report.lines if line.result]) > 1:
        rows.append(["Nilai gabungan dari jumlah mentah (pooled)", format_id(head.pooled.score, 2)])
    story.append(_table(rows, [9 * cm, 7 * cm]))
    story.append(Spacer(1, 0.3 * cm))
    notes = [
        "Nilai IKM unit adalah rata-rata nilai layanan tertimbang jumlah responden (cara Kementerian, "
        "Tabel 3.29). Interval 95% milik nilai itu sendiri: layanan sebagai strata, varians Σ (n_h/Σn)² "
        "Var_h dengan Var_h linearisasi Taylor dari nilai IKM layanan (koreksi populasi terbatas bila N "
        "diketahui). Nilai pooled adalah penduga lain dan tidak diberi interval.",
        f"Respons bertanda kualitas data: {format_id(report.flags['flagged'], 0)} dari "
        f"{format_id(report.flags['total'], 0)} (pola seragam {report.flags['straightline']}, terlalu cepat "
        f"{report.flags['too_fast']}, perangkat berulang {report.flags['repeat_device']}). "
        + ("Respons bertanda DIKECUALIKAN dari perhitungan laporan ini." if report.exclude_flagged
           else "Semua respons tersimpan ikut dihitung."),
    ]
    story += [Paragraph(para_text(n), st["small"]) for n in notes]
    return story


def _unsur_section(report: IkmReport, st) -> list:
    head = report.headline
    if head is None:
        return []
    lowest = head.lowest_unsur
    rows = [["Kode", "Unsur pelayanan", "NRR", "NRR × 1/9", "× 25"]]
    highlight = []
    codes = [u for u in UNSUR if u.code in head.nrr]
    for i, unsur in enumerate(codes, start=1):
        rows.append([unsur.code, Paragraph(para_text(unsur.name), st["cell"]), format_id(head.nrr[unsur.code], 3),
                     format_id(head.nrr_weighted[unsur.code], 3), format_id(head.nrr[unsur.code] * 25, 2)])
        if unsur.code == lowest:
            highlight.append(i)
    rows.append(["", "IKM (jumlah NRR tertimbang)", "", format_id(head.index, 3), format_id(head.score, 2)])
    story = [Paragraph("2. Nilai per unsur", st["h1"]),
             _table(rows, [1.3 * cm, 8.7 * cm, 2 * cm, 2.2 * cm, 1.8 * cm], highlight_rows=highlight,
                    align_right_from=2),
             Spacer(1, 0.2 * cm)]
    if lowest:
        name = next(u.name for u in UNSUR if u.code == lowest)
        story.append(Paragraph(para_text(f"Prioritas perbaikan: {lowest} {name} (NRR terendah "
                                         f"{format_id(head.nrr[lowest], 3)})."), st["h2"]))
    story.append(_bar_drawing([f"{u.code} {u.name}" for u in codes], [head.nrr[u.code] for u in codes],
                              low=1, high=4, highlight=[u.code for u in codes].index(lowest) if lowest else None,
                              title="NRR per unsur (skala 1–4)"))
    return story


def _layanan_section(report: IkmReport, st) -> list:
    rows = [["Layanan", "Unit", "n", "IKM", "Mutu", "Interval 95%", "N", "Target\nsampel"]]
    for line in report.lines:
        r = line.result
        rows.append([Paragraph(para_text(line.name), st["cell"]), clean(line.unit_code), format_id(line.n, 0),
                     _fmt(r.score if r else None), r.grade if r else "—", _ci_text(line.ci),
                     _fmt(line.population, 0), _fmt(line.km_target, 0)])
    return [Paragraph("3. IKM per layanan", st["h1"]),
            _table(rows, [4.9 * cm, 1.9 * cm, 1.3 * cm, 1.4 * cm, 1.1 * cm, 2.8 * cm, 1.3 * cm, 1.8 * cm],
                   align_right_from=2),
            *[Paragraph(para_text(note), st["small"]) for note in layanan_caution_notes(report)]]


def _units_section(report: IkmReport, st) -> list:
    nodes = [node for node in report.tree.walk() if node.n]
    if len(nodes) <= 1 and report.layanan is not None:
        return []
    rows = [["Unit", "Responden", "IKM\n(tertimbang)", "Mutu", "Pooled"]]
    for node in nodes:
        indent = "   " * node.depth
        rows.append([Paragraph(para_text(f"{indent}{node.code} — {node.name}"), st["cell"]),
                     format_id(node.n, 0), _fmt(node.score), node.grade[0] if node.grade else "—",
                     _fmt(node.pooled.score if node.pooled else None)])
    return [Paragraph("4. Rekapitulasi per unit", st["h1"]),
            Paragraph("IKM tiap unit = Σ(IKM layanan/sub-unit × responden) / Σ responden. Kolom pooled menghitung "
                      "ulang dari jumlah jawaban mentah (diisi untuk unit teratas dan anak langsungnya).", st["small"]),
            Spacer(1, 0.2 * cm),
            _table(rows, [7.5 * cm, 2.4 * cm, 3 * cm, 1.3 * cm, 2.3 * cm], align_right_from=1)]


def _trend_section(report: IkmReport, st) -> list:
    if not report.trend:
        return []
    rows = [["Periode", "Responden", "IKM"]] + [
        [p.period.label, format_id(p.n, 0), _fmt(p.score)] for p in report.trend]
    story = [Paragraph("5. Tren", st["h1"]), _table(rows, [6 * cm, 3 * cm, 3 * cm], align_right_from=1)]
    if sum(1 for p in report.trend if p.score is not None) >= 1:
        story += [Spacer(1, 0.3 * cm), _line_drawing([p.period.code for p in report.trend],
                                                     [p.score for p in report.trend])]
    return story


def _profile_section(report: IkmReport, st) -> list:
    if not report.profile:
        return []
    story = [PageBreak(), Paragraph("6. Profil responden", st["h1"])]
    for key, title in PROFILE_LABELS.items():
        rows = report.profile.get(key, [])
        total = sum(n for _label, n in rows) or 1
        table = _table([[title, "Jumlah", "%"]] + [[Paragraph(para_text(label), st["cell"]), format_id(n, 0),
                                                    format_id(100 * n / total, 1)] for label, n in rows],
                       [7 * cm, 2.5 * cm, 2 * cm], align_right_from=1)
        chart = _bar_drawing([label for label, _n in rows], [float(n) for _label, n in rows], low=0,
                             high=max([n for _label, n in rows] + [1]) * 1.15, width=16 * cm, places=0)
        story.append(KeepTogether([Paragraph(title, st["h2"]), table, Spacer(1, 0.15 * cm), chart]))
    return story


def _kritik_section(report: IkmReport, st) -> list:
    story = [PageBreak(), Paragraph("7. Kritik dan saran", st["h1"])]
    items = report.kritik[:KRITIK_IN_PDF]
    if not items:
        return story + [Paragraph("Tidak ada kritik dan saran pada periode ini.", st["base"])]
    story.append(Paragraph(f"{len(items)} masukan terbaru, ditulis apa adanya oleh responden.", st["small"]))
    rows = [["Bulan", "Layanan", "Kritik dan saran"]]
    for item in items:
        rows.append([item["period"], Paragraph(para_text(item["layanan"]), st["cell"]),
                     Paragraph(para_text(item["text"]), st["cell"])])
    story.append(_table(rows, [1.7 * cm, 4.3 * cm, 10 * cm]))
    return story


def render_pdf(report: IkmReport, generated_at: datetime | None = None) -> bytes:
    _Fonts.ensure()
    st = _styles()
    generated = (generated_at or datetime.now(UTC)).strftime("%d-%m-%Y %H:%M UTC")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                            bottomMargin=2 * cm, title=clean(f"Laporan IKM {report.scope_label} {report.period.label}"),
                            author="Pantau", subject="Survei Kepuasan Masyarakat")
    story = _cover(report, st, generated)
    story += _summary(report, st)
    story += _unsur_section(report, st)
    story += _layanan_section(report, st)
    story += _units_section(report, st)
    story += _comparison_section(report, st)
    story += _trend_section(report, st)
    story += _profile_section(report, st)
    story += _kritik_section(report, st)
    region = f" · {report.region.name}" if report.region is not None else ""
    footer = clean(f"Laporan IKM · {report.unit.code}{region} · {report.period.label}")
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


# ---- figures that know their sample (issue 12) -------------------------------------------

def score_with_caution(score: float | None, caution) -> str:
    """"78,10 — Mutu B (interval mencakup A); sampel belum memadai": a score with what limits it."""
    if score is None:
        return "—"
    text = f"{format_id(score, 2)} — {caution.grade_label}" if caution else format_id(score, 2)
    return f"{text}; {caution.sample_note}" if caution and caution.sample_note else text


def caution_rows(head) -> list[list[str]]:
    """Summary rows: grade with the grades its interval reaches, sample note, and the stratified estimate."""
    rows = [["Mutu menurut interval", head.caution.grade_label]]
    if head.caution.sample_note:
        rows.append(["Kecukupan sampel", head.caution.sample_note])
    if head.stratified is not None:
        rows.append(["Estimasi populasi (tertimbang N, Cochran 1977 bab 5)",
                     score_with_caution(head.stratified.value, head.stratified_caution)])
        rows.append(["Interval 95% estimasi populasi", _ci_text(head.stratified_ci)])
    return rows


def layanan_caution_notes(report: IkmReport) -> list[str]:
    notes = []
    for line in report.lines:
        caution = line.caution
        if caution is not None and (caution.sample_note or "mencakup" in caution.grade_label):
            notes.append(f"{line.name}: {score_with_caution(line.result.score, caution)}.")
    return notes


def _p_text(p: float) -> str:
    return "< 0,001" if p < 0.001 else format_id(p, 3)


def _comparison_section(report: IkmReport, st) -> list:
    if not report.comparisons and report.ranking is None:
        return []
    story = [Paragraph("Perbandingan", st["h1"]),
             Paragraph("Selisih dua penduga independen; SE linearisasi, derajat bebas Welch. Peringkat layanan: "
                       "nilai p disesuaikan dengan koreksi Holm.", st["small"]), Spacer(1, 0.2 * cm)]
    if report.comparisons:
        rows = [["Pembanding", "IKM kini", "IKM pembanding", "Selisih", "Interval 95%", "p", "Kesimpulan"]]
        for c in report.comparisons:
            d = c.difference
            rows.append([Paragraph(para_text(f"{c.period_label} ({c.label})"), st["cell"]),
                         format_id(c.current.value, 2), format_id(c.other.value, 2), format_id(d.difference, 2),
                         _ci_text((d.low, d.high)),
                         _p_text(d.p_value), "berbeda nyata" if d.significant else "tidak nyata"])
        story += [_table(rows, [4.2 * cm, 1.6 * cm, 2 * cm, 1.5 * cm, 2.8 * cm, 1.4 * cm, 2.5 * cm],
                         align_right_from=1), Spacer(1, 0.2 * cm)]
        for c in report.comparisons:
            moved = [f"{code} {'naik' if d.difference > 0 else 'turun'} {format_id(abs(d.difference), 3)} "
                     f"(p {_p_text(d.p_value)})" for code, d in c.unsur.items() if d.significant]
            text = "; ".join(moved) if moved else "tidak ada unsur yang berubah nyata"
            story.append(Paragraph(para_text(f"NRR per unsur {c.label}: {text}."), st["small"]))
    if report.ranking is not None:
        names = {line.slug: line.name for line in report.lines}
        rows = [["Peringkat", "Layanan", "Dibanding berikutnya", "p (Holm)", "Kesimpulan"]]
        for i, slug in enumerate(report.ranking.order, start=1):
            pair = report.ranking.adjacent[i - 1] if i < len(report.ranking.order) else None
            rows.append([str(i), Paragraph(para_text(names.get(slug, slug)), st["cell"]),
                         format_id(pair.difference.difference, 2) if pair else "—",
                         _p_text(pair.p_holm) if pair else "—",
                         ("berbeda nyata" if pair.significant else "urutan tidak bermakna") if pair else "—"])
        story += [Spacer(1, 0.2 * cm), _table(rows, [1.8 * cm, 6.5 * cm, 3 * cm, 2 * cm, 3.2 * cm], align_right_from=2)]
    return story
