"""The content sections of the IKM PDFs, one function each, shared by the compact report and the
"Laporan Hasil SKM" (app.reports.pdf_laporan_skm).

Each function takes the report, the styles and its heading, and returns
flowables, so a document picks and orders the sections it needs. Every score
is printed with its n (the respondents behind it); missing inputs are said in
words ("populasi pengguna layanan belum dicatat ..."), never as a placeholder.
`explanation` holds the plain-Indonesian reading of the 95% interval and the
grade; cautions about small samples or grade-crossing intervals belong there.
"""
from __future__ import annotations

from decimal import Decimal

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

from analysis.ikm import GRADES, UNSUR
from analysis.rounding import format_id
from app.reports.pdf_base import ci_text, clean, fmt, para_text, table
from app.reports.pdf_charts import bar_drawing, line_drawing
from app.reports.pdf_inference import caution_rows, layanan_caution_notes
from app.reports.respondents import PROFILE_LABELS
from app.reports.rollup import IkmReport

KRITIK_IN_PDF = 50
NO_POPULATION = "Populasi pengguna layanan belum dicatat, sehingga target sampel tidak dihitung."


def grade_bands() -> str:
    """'A (Sangat Baik) 88,31–100,00; B (Baik) 76,61–88,30; ...' from the regulation's table."""
    parts = []
    for i, (low, mutu, kinerja) in enumerate(GRADES):
        high = Decimal("100.00") if i == 0 else GRADES[i - 1][0] - Decimal("0.01")
        parts.append(f"{mutu} ({kinerja}) {format_id(low, 2)}–{format_id(high, 2)}")
    return "; ".join(parts)


def explanation(report: IkmReport, st, title: str = "Arti interval 95% dan mutu") -> list:
    """One plain paragraph: what the 95% interval and the grade mean, and that n stands beside each score."""
    if report.headline is None:
        return []
    text = ("Nilai IKM dihitung dari responden yang mengisi survei, bukan dari seluruh pengguna layanan. "
            "Interval kepercayaan 95% adalah rentang tempat nilai IKM seluruh pengguna layanan kemungkinan besar "
            "berada: bila survei yang sama diulang berkali-kali, 95 dari 100 rentang yang dihitung dengan cara "
            "ini memuat nilai sebenarnya. Makin banyak responden, makin sempit rentangnya. Mutu pelayanan "
            f"ditetapkan dari nilai IKM menurut PermenPAN-RB 14/2017: {grade_bands()}. Bila interval melintasi "
            "batas mutu, mutu sebenarnya bisa satu tingkat lebih tinggi atau lebih rendah daripada yang tertulis. "
            "Di samping setiap nilai dicantumkan n, jumlah responden yang menjadi dasarnya.")
    return [Paragraph(para_text(title), st["h2"]), Paragraph(para_text(text), st["body"])]


def summary(report: IkmReport, st, title: str = "1. Ringkasan") -> list:
    head = report.headline
    story = [Paragraph(para_text(title), st["h1"])]
    if head is None:
        return story + [Paragraph("Belum ada respons pada periode ini.", st["base"])]
    rows = [["Ukuran", "Nilai"],
            ["Nilai IKM (konversi, 25–100)", f"{format_id(head.score, 2)} (n = {format_id(head.n_respondents, 0)})"],
            ["Nilai IKM (skala 1–4)", format_id(head.index, 4)],
            ["Mutu / kinerja pelayanan", f"{head.grade} / {head.performance}"],
            ["Interval kepercayaan 95%", ci_text(head.ci)],
            ["Jumlah responden (n)", format_id(head.n_respondents, 0)]]
    rows += caution_rows(head)
    if report.population:
        label = "Populasi penerima layanan (N)" + ("" if report.population_complete else " — sebagian layanan")
        rows += [[label, format_id(report.population, 0)],
                 ["Target sampel Krejcie-Morgan", format_id(report.km_target, 0)],
                 ["Sampel terhadap target", sample_status(head.n_respondents, report.km_target)]]
    if head.pooled is not None and len([line for line in report.lines if line.result]) > 1:
        rows.append(["Nilai gabungan dari jumlah mentah (pooled)",
                     f"{format_id(head.pooled.score, 2)} (n = {format_id(head.pooled.n_respondents, 0)})"])
    story.append(table(rows, [9 * cm, 7 * cm]))
    story.append(Spacer(1, 0.3 * cm))
    notes = []
    if not report.population:
        notes.append(NO_POPULATION)
    notes += [
        "Nilai IKM unit adalah rata-rata nilai layanan tertimbang jumlah responden (cara Kementerian, "
        "Tabel 3.29). Interval 95% milik nilai itu sendiri: layanan sebagai strata, varians Σ (n_h/Σn)² "
        "Var_h dengan Var_h linearisasi Taylor dari nilai IKM layanan (koreksi populasi terbatas bila N "
        "diketahui). Nilai pooled adalah penduga lain dan tidak diberi interval.",
        flags_note(report),
    ]
    story += [Paragraph(para_text(n), st["small"]) for n in notes]
    return story + explanation(report, st)


def sample_status(n: int, target: int | None) -> str:
    if not target:
        return "target sampel tidak dihitung"
    return "tercapai" if n >= target else f"kurang {format_id(target - n, 0)} responden"


def flags_note(report: IkmReport) -> str:
    flags = report.flags
    return (f"Respons bertanda kualitas data: {format_id(flags['flagged'], 0)} dari {format_id(flags['total'], 0)} "
            f"(pola seragam {flags['straightline']}, terlalu cepat {flags['too_fast']}, perangkat berulang "
            f"{flags['repeat_device']}, formulir dipakai ulang {flags['stamp_reused']}). "
            + ("Respons bertanda DIKECUALIKAN dari perhitungan laporan ini." if report.exclude_flagged
               else "Semua respons tersimpan ikut dihitung."))


def unsur_counts(report: IkmReport) -> dict[str, int]:
    """Respondents who answered each unsur (from the pooled raw sums)."""
    head = report.headline
    return dict(head.pooled.counts) if head is not None and head.pooled is not None else {}


def unsur(report: IkmReport, st, title: str = "2. Nilai per unsur") -> list:
    head = report.headline
    if head is None:
        return []
    lowest = head.lowest_unsur
    counts = unsur_counts(report)
    rows = [["Kode", "Unsur pelayanan", "n", "NRR", "NRR × 1/9", "× 25"]]
    highlight = []
    codes = [u for u in UNSUR if u.code in head.nrr]
    for i, item in enumerate(codes, start=1):
        rows.append([item.code, Paragraph(para_text(item.name), st["cell"]), fmt(counts.get(item.code), 0),
                     format_id(head.nrr[item.code], 3), format_id(head.nrr_weighted[item.code], 3),
                     format_id(head.nrr[item.code] * 25, 2)])
        if item.code == lowest:
            highlight.append(i)
    rows.append(["", "IKM (jumlah NRR tertimbang)", format_id(head.n_respondents, 0), "",
                 format_id(head.index, 3), format_id(head.score, 2)])
    story = [Paragraph(para_text(title), st["h1"]),
             table(rows, [1.4 * cm, 7.4 * cm, 1.3 * cm, 1.9 * cm, 2.2 * cm, 1.8 * cm], highlight_rows=highlight,
                   align_right_from=2),
             Paragraph("n: responden yang menjawab unsur itu.", st["small"]),
             Spacer(1, 0.2 * cm)]
    if lowest:
        name = next(u.name for u in UNSUR if u.code == lowest)
        story.append(Paragraph(para_text(f"Prioritas perbaikan: {lowest} {name} (NRR terendah "
                                         f"{format_id(head.nrr[lowest], 3)}, n = {counts.get(lowest, 0)})."),
                               st["h2"]))
    story.append(bar_drawing([f"{u.code} {u.name}" for u in codes], [head.nrr[u.code] for u in codes],
                             low=1, high=4, highlight=[u.code for u in codes].index(lowest) if lowest else None,
                             title="NRR per unsur (skala 1–4)", places=3,
                             value_labels=[f"{format_id(head.nrr[u.code], 3)} (n = {counts.get(u.code, 0)})"
                                           for u in codes]))
    return story


def layanan(report: IkmReport, st, title: str = "3. IKM per layanan") -> list:
    rows = [["Layanan", "Unit", "n", "IKM", "Mutu", "Interval 95%", "N", "Target\nsampel"]]
    for line in report.lines:
        r = line.result
        rows.append([Paragraph(para_text(line.name), st["cell"]), clean(line.unit_code), format_id(line.n, 0),
                     fmt(r.score if r else None), r.grade if r else "—", ci_text(line.ci),
                     "" if line.population is None else format_id(line.population, 0),
                     "" if line.km_target is None else format_id(line.km_target, 0)])
    story = [Paragraph(para_text(title), st["h1"]),
             table(rows, [4.7 * cm, 1.9 * cm, 1.3 * cm, 1.4 * cm, 1.3 * cm, 2.8 * cm, 1.3 * cm, 1.8 * cm],
                   align_right_from=2),
             *[Paragraph(para_text(note), st["small"]) for note in layanan_caution_notes(report)]]
    missing = [line for line in report.lines if not line.population]
    if missing and report.lines:
        which = "semua layanan" if len(missing) == len(report.lines) else f"{len(missing)} layanan"
        story.append(Paragraph(para_text(f"Populasi pengguna layanan belum dicatat untuk {which}, sehingga kolom "
                                         "N dan target sampelnya kosong."), st["small"]))
    scored = [line for line in report.lines if line.result is not None]
    if scored:
        story += [Spacer(1, 0.3 * cm),
                  bar_drawing([line.name for line in scored], [line.result.score for line in scored], low=25,
                              high=100, title="IKM per layanan (25–100)",
                              value_labels=[f"{format_id(line.result.score, 2)} (n = {line.n})" for line in scored])]
    return story


def units(report: IkmReport, st, title: str = "4. Rekapitulasi per unit") -> list:
    nodes = [node for node in report.tree.walk() if node.n]
    if len(nodes) <= 1 and report.layanan is not None:
        return []
    rows = [["Unit", "Responden (n)", "IKM\n(tertimbang)", "Mutu", "Pooled"]]
    for node in nodes:
        indent = "   " * node.depth
        rows.append([Paragraph(para_text(f"{indent}{node.code} — {node.name}"), st["cell"]),
                     format_id(node.n, 0), fmt(node.score), node.grade[0] if node.grade else "—",
                     fmt(node.pooled.score if node.pooled else None)])
    return [KeepTogether([
        Paragraph(para_text(title), st["h1"]),
        Paragraph("IKM tiap unit = Σ(IKM layanan/sub-unit × responden) / Σ responden. Kolom pooled menghitung "
                  "ulang dari jumlah jawaban mentah (diisi untuk unit teratas dan anak langsungnya).", st["small"]),
        Spacer(1, 0.2 * cm),
        table(rows, [7.5 * cm, 2.4 * cm, 3 * cm, 1.3 * cm, 2.3 * cm], align_right_from=1)])]


def trend(report: IkmReport, st, title: str = "5. Tren") -> list:
    if not report.trend:
        return []
    rows = [["Periode", "Responden (n)", "IKM"]] + [
        [p.period.label, format_id(p.n, 0), fmt(p.score)] for p in report.trend]
    story = [Paragraph(para_text(title), st["h1"]), table(rows, [6 * cm, 3 * cm, 3 * cm], align_right_from=1)]
    with_data = [p for p in report.trend if p.score is not None]
    if len(with_data) == 1:
        story.append(Paragraph(para_text(f"Tren: data baru satu periode ({with_data[0].period.label}); garis tren "
                                         "tampil setelah periode berikutnya terisi."), st["small"]))
    if with_data:
        story += [Spacer(1, 0.3 * cm), line_drawing([p.period.code for p in report.trend],
                                                    [p.score for p in report.trend])]
    return story


def profile(report: IkmReport, st, title: str = "6. Profil responden", page_break: bool = True) -> list:
    if not report.profile:
        return []
    story = ([PageBreak()] if page_break else []) + [Paragraph(para_text(title), st["h1"])]
    for key, label in PROFILE_LABELS.items():
        rows = report.profile.get(key, [])
        total = sum(n for _label, n in rows) or 1
        grid = table([[label, "Jumlah", "%"]] + [[Paragraph(para_text(name), st["cell"]), format_id(n, 0),
                                                  format_id(100 * n / total, 1)] for name, n in rows],
                     [7 * cm, 2.5 * cm, 2 * cm], align_right_from=1)
        chart = bar_drawing([name for name, _n in rows], [float(n) for _name, n in rows], low=0,
                            high=max([n for _name, n in rows] + [1]) * 1.15, width=16 * cm, places=0)
        story.append(KeepTogether([Paragraph(para_text(label), st["h2"]), grid, Spacer(1, 0.15 * cm), chart]))
    return story


def kritik(report: IkmReport, st, title: str = "7. Kritik dan saran", limit: int = KRITIK_IN_PDF) -> list:
    story = [PageBreak(), Paragraph(para_text(title), st["h1"])]
    items = report.kritik[:limit]
    if not items:
        return story + [Paragraph("Tidak ada kritik dan saran pada periode ini.", st["base"])]
    story.append(Paragraph(f"{len(items)} masukan terbaru, ditulis apa adanya oleh responden.", st["small"]))
    rows = [["Bulan", "Layanan", "Kritik dan saran"]]
    for item in items:
        rows.append([item["period"], Paragraph(para_text(item["layanan"]), st["cell"]),
                     Paragraph(para_text(item["text"]), st["cell"])])
    story.append(table(rows, [1.7 * cm, 4.3 * cm, 10 * cm]))
    return story
