"""PDF pieces for figures that know their sample (issue 12): grade cautions, sample notes,
the population-weighted estimate and the comparisons section.

Kept apart from pdf_sections so the sections stay about layout, and these about
what the statistics allow a reader to conclude.
"""
from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from analysis.rounding import format_id
from app.reports.pdf_base import ci_text, para_text, table
from app.reports.rollup import IkmReport


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
        rows.append(["Interval 95% estimasi populasi", ci_text(head.stratified_ci)])
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


def comparison_section(report: IkmReport, st, title: str = "Perbandingan", heading: str = "h1") -> list:
    """Period against period (with the unsur that moved significantly) and the Holm-marked layanan ranking."""
    if not report.comparisons and report.ranking is None:
        return []
    story = [Paragraph(para_text(title), st[heading]),
             Paragraph("Selisih dua penduga independen; SE linearisasi, derajat bebas Welch. Peringkat layanan: "
                       "nilai p disesuaikan dengan koreksi Holm.", st["small"]), Spacer(1, 0.2 * cm)]
    if report.comparisons:
        rows = [["Pembanding", "IKM kini", "IKM pembanding", "Selisih", "Interval 95%", "p", "Kesimpulan"]]
        for c in report.comparisons:
            d = c.difference
            rows.append([Paragraph(para_text(f"{c.period_label} ({c.label})"), st["cell"]),
                         format_id(c.current.value, 2), format_id(c.other.value, 2), format_id(d.difference, 2),
                         ci_text((d.low, d.high)),
                         _p_text(d.p_value), "berbeda nyata" if d.significant else "tidak nyata"])
        story += [table(rows, [3.2 * cm, 1.4 * cm, 2.6 * cm, 1.6 * cm, 2.8 * cm, 1.7 * cm, 2.7 * cm],
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
        story += [Spacer(1, 0.2 * cm), table(rows, [2.1 * cm, 6.2 * cm, 3 * cm, 2 * cm, 3.2 * cm], align_right_from=2),
                  Paragraph(para_text(report.ranking.note), st["small"])]
    return story
