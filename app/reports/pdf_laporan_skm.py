"""The "Laporan Hasil SKM": the IKM report in the structure PermenPAN-RB 14/2017 expects.

BAB I Pendahuluan; BAB II Pengumpulan Data (method, period, sample against
target); BAB III Hasil (IKM per layanan and unsur); BAB IV Analisis (the
lowest unsur, kritik dan saran themes); BAB V Kesimpulan; BAB VI Rencana
Tindak Lanjut; then Penutup with the signature block and the kritik dan saran
as an appendix. The content sections are shared with the compact report
(app.reports.pdf_sections); this module adds the regulation's narrative.
"""
from __future__ import annotations

import calendar
from datetime import date

from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from analysis.ikm import UNSUR, grade
from analysis.rounding import format_id
from app.core.local_time import date_id
from app.followup import report as followup_report
from app.followup import rtl as followup_rtl
from app.reports import pdf_inference, pdf_sections
from app.reports.pdf_base import para_text, table
from app.reports.pdf_pages import DocumentInfo, closing_page, cover
from app.reports.rollup import IkmReport

TITLE = "Laporan Hasil Survei Kepuasan Masyarakat"
UNSUR_NAMES = {u.code: u.name for u in UNSUR}
FOLLOW_UP = {
    "U1": "Menyederhanakan persyaratan dan mengumumkannya dengan jelas di loket dan laman layanan.",
    "U2": "Memetakan ulang alur layanan, memangkas tahapan yang tidak perlu, dan memasang bagan alur.",
    "U3": "Menetapkan dan mengumumkan standar waktu, memantau waktu tunggu, dan menambah petugas pada jam sibuk.",
    "U4": "Mengumumkan biaya resmi (atau bebas biaya) dan menutup peluang pungutan di luar ketentuan.",
    "U5": "Memeriksa kesesuaian hasil layanan dengan standar pelayanan sebelum diserahkan.",
    "U6": "Melatih petugas tentang ketentuan, prosedur dan produk layanan.",
    "U7": "Melatih petugas tentang pelayanan prima serta memantau kesopanan dan keramahan.",
    "U8": "Menyediakan kanal pengaduan yang mudah, mencatat dan menjawab setiap pengaduan tepat waktu.",
    "U9": "Memperbaiki ruang tunggu, kemudahan akses dan fasilitas pendukung layanan.",
}
PRIORITIES = 3


def period_dates(report: IkmReport) -> tuple[date, date]:
    start_year, start_month = (int(x) for x in report.period.start.split("-"))
    end_year, end_month = (int(x) for x in report.period.end.split("-"))
    return (date(start_year, start_month, 1),
            date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]))


def _p(text: str, st, style: str = "body") -> Paragraph:
    return Paragraph(para_text(text), st[style])


def _chapter(number: str, title: str, st, page_break: bool = True) -> list:
    return ([PageBreak()] if page_break else []) + [Paragraph(para_text(f"BAB {number} {title}"), st["chapter"])]


def pendahuluan(report: IkmReport, st) -> list:
    unit = report.unit
    names = [line.name for line in report.lines]
    listed = "; ".join(names[:12]) + (f"; dan {len(names) - 12} layanan lain" if len(names) > 12 else "")
    return _chapter("I", "PENDAHULUAN", st, page_break=False) + [
        Paragraph("1.1 Latar belakang", st["h2"]),
        _p("Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik mewajibkan setiap penyelenggara pelayanan "
           "publik menilai kinerjanya secara berkala dengan melibatkan masyarakat. PermenPAN-RB Nomor 14 Tahun 2017 "
           "tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik menetapkan "
           "caranya: sembilan unsur pelayanan, jawaban berskala 1 sampai 4, dan Indeks Kepuasan Masyarakat (IKM) "
           "sebagai ukuran kepuasan.", st),
        Paragraph("1.2 Maksud dan tujuan", st["h2"]),
        _p(f"Survei ini dilaksanakan untuk mengetahui tingkat kepuasan pengguna layanan {unit.name}, menemukan "
           "unsur pelayanan yang perlu diperbaiki, dan menjadi dasar rencana tindak lanjut perbaikan pelayanan.",
           st),
        Paragraph("1.3 Ruang lingkup", st["h2"]),
        _p(f"Laporan ini mencakup {report.scope_label}, {report.region_label[0].lower()}{report.region_label[1:]}, "
           f"periode {report.period.label}, dengan {len(names)} jenis layanan: {listed or 'belum ada layanan'}.",
           st),
    ]


def pengumpulan_data(report: IkmReport, st) -> list:
    start, end = period_dates(report)
    story = _chapter("II", "PENGUMPULAN DATA", st) + [
        Paragraph("2.1 Metode", st["h2"]),
        _p("Data dikumpulkan dengan kuesioner Survei Kepuasan Masyarakat yang memuat sembilan unsur pelayanan "
           "menurut PermenPAN-RB Nomor 14 Tahun 2017. Pengguna layanan mengisi kuesioner secara sukarela dan tanpa "
           "nama setelah menerima layanan, melalui formulir Pantau (web atau anjungan) atau kuesioner kertas yang "
           "hasilnya diimpor. Setiap unsur dijawab pada skala 1 (tidak baik) sampai 4 (sangat baik); nilai rata-rata "
           "per unsur (NRR) diberi bobot sama (1/9), dijumlahkan menjadi IKM, lalu dikalikan 25 menjadi nilai "
           "konversi 25–100.", st),
        Paragraph("2.2 Waktu pelaksanaan", st["h2"]),
        _p(f"Periode {report.period.label}: {date_id(start)} sampai dengan {date_id(end)}.", st),
        Paragraph("2.3 Sampel terhadap target", st["h2"]),
        _p("Target sampel setiap layanan dihitung dengan tabel Krejcie dan Morgan dari populasi pengguna layanan "
           "(N) pada periode ini, sebagaimana dianjurkan pedoman.", st),
    ]
    rows = [["Layanan", "Responden\n(n)", "Populasi\n(N)", "Target\nsampel", "Keterangan"]]
    for line in report.lines:
        rows.append([Paragraph(para_text(line.name), st["cell"]), format_id(line.n, 0),
                     "" if line.population is None else format_id(line.population, 0),
                     "" if line.km_target is None else format_id(line.km_target, 0),
                     Paragraph(para_text(pdf_sections.sample_status(line.n, line.km_target)
                                         if line.km_target else "populasi belum dicatat"), st["cell"])])
    story.append(table(rows, [5.8 * cm, 2.4 * cm, 2.3 * cm, 2.3 * cm, 3.2 * cm], align_right_from=1))
    if not report.population:
        story.append(_p(pdf_sections.NO_POPULATION, st, "small"))
    story += [Paragraph("2.4 Mutu data", st["h2"]), _p(pdf_sections.flags_note(report), st)]
    return story


def hasil(report: IkmReport, st) -> list:
    story = _chapter("III", "HASIL", st)
    story += pdf_sections.summary(report, st, "3.1 Nilai IKM")
    story += pdf_sections.unsur(report, st, "3.2 Nilai per unsur")
    story += pdf_sections.layanan(report, st, "3.3 IKM per layanan")
    story += pdf_sections.units(report, st, "3.4 Rekapitulasi per unit")
    story += pdf_sections.trend(report, st, "3.5 Tren")
    story += pdf_sections.profile(report, st, "3.6 Profil responden", page_break=False)
    return story


def ranked_unsur(report: IkmReport) -> list[str]:
    head = report.headline
    return sorted(head.nrr, key=lambda code: (head.nrr[code], code)) if head else []


def analisis(report: IkmReport, st, themes: followup_report.ReportThemes) -> list:
    story = _chapter("IV", "ANALISIS", st) + [Paragraph("4.1 Unsur dengan nilai terendah", st["h2"])]
    head = report.headline
    if head is None:
        return story + [_p("Belum ada respons pada periode ini, sehingga belum ada yang dianalisis.", st)]
    ranked = ranked_unsur(report)
    counts = pdf_sections.unsur_counts(report)
    lowest, highest = ranked[0], ranked[-1]
    story.append(_p(f"Unsur dengan nilai terendah adalah {lowest} {UNSUR_NAMES[lowest]} (NRR "
                    f"{format_id(head.nrr[lowest], 3)}, nilai konversi {format_id(head.nrr[lowest] * 25, 2)}, "
                    f"n = {counts.get(lowest, 0)}); unsur tertinggi adalah {highest} {UNSUR_NAMES[highest]} (NRR "
                    f"{format_id(head.nrr[highest], 3)}). Tiga unsur terendah menjadi prioritas perbaikan.", st))
    rows = [["Peringkat", "Unsur", "n", "NRR", "Nilai konversi", "Mutu"]]
    for rank, code in enumerate(ranked[:PRIORITIES], start=1):
        rows.append([str(rank), Paragraph(para_text(f"{code} {UNSUR_NAMES[code]}"), st["cell"]),
                     format_id(counts.get(code, 0), 0), format_id(head.nrr[code], 3),
                     format_id(head.nrr[code] * 25, 2), grade(head.nrr[code] * 25)[0]])
    story.append(table(rows, [2.2 * cm, 6.8 * cm, 1.4 * cm, 1.8 * cm, 2.4 * cm, 1.4 * cm], align_right_from=2))
    return story + tema_kritik(themes, st)


def tema_kritik(themes: followup_report.ReportThemes, st) -> list:
    """4.2: the analysts' tagged theme counts; a keyword estimate, labelled as such, for untagged answers."""
    story = [Paragraph("4.2 Tema kritik dan saran", st["h2"])]
    counts = themes.counts
    if not counts.total:
        return story + [_p("Tidak ada kritik dan saran pada periode ini.", st)]
    story.append(_p(f"Pada periode ini masuk {format_id(counts.total, 0)} kritik dan saran: "
                    f"{format_id(themes.tagged, 0)} sudah dipilah analis ke dalam tema katalog dan "
                    f"{format_id(counts.untagged, 0)} belum dipilah. Satu masukan dapat diberi lebih dari satu "
                    "tema.", st))
    if counts.by_theme:
        rows = [["Tema (hasil pemilahan analis)", "Jumlah"]]
        rows += [[Paragraph(para_text(name), st["cell"]), format_id(n, 0)] for name, n in counts.by_theme]
        story.append(table(rows, [9 * cm, 2.4 * cm], align_right_from=1))
    if themes.fallback:
        story.append(Spacer(1, 0.2 * cm))
        story.append(_p(f"Perkiraan tema untuk {format_id(themes.fallback_read, 0)} masukan yang belum dipilah"
                        + (" (yang terbaru)" if themes.fallback_read < counts.untagged else "")
                        + ": dikelompokkan otomatis menurut kata kunci, bukan hasil pemilahan analis, sehingga "
                        "perlu dibaca bersama teks aslinya di lampiran.", st))
        rows = [["Tema (kata kunci)", "Jumlah", "Contoh masukan"]]
        for theme in themes.fallback:
            rows.append([Paragraph(para_text(theme.label), st["cell"]), format_id(theme.count, 0),
                         Paragraph(para_text(" · ".join(f"“{e[:160]}”" for e in theme.examples)), st["cell"])])
        story.append(table(rows, [4 * cm, 1.8 * cm, 11.2 * cm], align_right_from=1))
    return story


def kesimpulan(report: IkmReport, st, themes: followup_report.ReportThemes) -> list:
    story = _chapter("V", "KESIMPULAN", st)
    head = report.headline
    if head is None:
        return story + [_p("Belum ada respons pada periode ini, sehingga nilai IKM belum dapat disimpulkan.", st)]
    points = [f"Nilai IKM {report.scope_label} periode {report.period.label} adalah {format_id(head.score, 2)} "
              f"(n = {format_id(head.n_respondents, 0)} responden), mutu pelayanan {head.grade} dengan kinerja "
              f"\"{head.performance}\"."]
    if head.ci is not None:
        points.append(f"Dengan tingkat kepercayaan 95%, nilai IKM seluruh pengguna layanan berada antara "
                      f"{format_id(head.ci[0], 2)} dan {format_id(head.ci[1], 2)}.")
    if head.caution is not None and "mencakup" in head.caution.grade_label:
        points.append(f"Interval itu melewati batas mutu: {head.caution.grade_label}.")
    if head.caution is not None and head.caution.sample_note:
        points.append(f"Catatan: {head.caution.sample_note}.")
    lowest = ranked_unsur(report)[:PRIORITIES]
    points.append("Unsur yang perlu diprioritaskan: " + ", ".join(f"{c} {UNSUR_NAMES[c]}" for c in lowest) + ".")
    if report.km_target:
        status = pdf_sections.sample_status(head.n_respondents, report.km_target)
        points.append(f"Jumlah responden terhadap target sampel Krejcie-Morgan ({format_id(report.km_target, 0)}): "
                      f"{status}.")
    else:
        points.append(pdf_sections.NO_POPULATION)
    top = themes.top_named()
    if top:
        source = "hasil pemilahan analis" if themes.counts.by_theme else "perkiraan kata kunci"
        points.append(f"Tema kritik dan saran yang paling sering disebut: {top[0].lower()} "
                      f"({format_id(top[1], 0)} masukan, {source}).")
    return story + [_p(f"{i}. {text}", st) for i, text in enumerate(points, start=1)]


def tindak_lanjut(report: IkmReport, st, themes: followup_report.ReportThemes) -> list:
    story = _chapter("VI", "RENCANA TINDAK LANJUT", st)
    head = report.headline
    if head is None:
        return story + [_p("Rencana tindak lanjut disusun setelah ada hasil survei.", st)]
    unit = report.unit
    owner = unit.head_title or f"Pimpinan {unit.name}"
    next_period = report.period.shifted(1).label
    story.append(_p("Rencana berikut diusulkan dari unsur dengan nilai terendah dan tema kritik dan saran "
                    "terbanyak. Pimpinan unit menetapkan kegiatan, waktu dan penanggung jawab akhirnya, lalu hasilnya "
                    "dilaporkan pada survei periode berikutnya.", st))
    rows = [["No", "Prioritas perbaikan", "Usulan kegiatan", "Waktu", "Penanggung\njawab"]]
    mentioned = themes.by_unsur()
    for i, code in enumerate(ranked_unsur(report)[:PRIORITIES], start=1):
        basis = f"{code} {UNSUR_NAMES[code]} (NRR {format_id(head.nrr[code], 3)})"
        if code in mentioned:
            basis += f"; disebut dalam {mentioned[code]} kritik dan saran"
        rows.append([str(i), Paragraph(para_text(basis), st["cell"]), Paragraph(para_text(FOLLOW_UP[code]),
                                                                                  st["cell"]),
                     Paragraph(para_text(next_period), st["cell"]), Paragraph(para_text(owner), st["cell"])])
    story.append(table(rows, [0.9 * cm, 4 * cm, 5.9 * cm, 2.4 * cm, 3.8 * cm]))
    previous = [p for p in report.trend[:-1] if p.score is not None]
    if previous:
        last = previous[-1]
        change = head.score - last.score
        direction = "naik" if change > 0 else "turun" if change < 0 else "tetap"
        story.append(Spacer(1, 0.3 * cm))
        story.append(_p(f"Sebagai bahan evaluasi tindak lanjut sebelumnya: IKM periode {last.period.label} adalah "
                        f"{format_id(last.score, 2)} (n = {format_id(last.n, 0)}); periode ini "
                        f"{format_id(head.score, 2)}, {direction}"
                        + (f" {format_id(abs(change), 2)} poin." if change else "."), st))
    return story + recorded_matrix(report, st)


def recorded_matrix(report: IkmReport, st) -> list:
    """The RTL matrix the unit recorded in Pantau: unsur, problem, action, PIC, timing, status."""
    actions = followup_report.recorded_actions(report)
    if not actions:
        return []
    done = followup_report.completion_for(actions)
    share = (f"{format_id(done.share, 1)}% ({done.done} dari {done.counted} tindak lanjut selesai"
             + (f", {done.cancelled} dibatalkan" if done.cancelled else "") + ")") if done.share is not None else "—"
    story = [Spacer(1, 0.3 * cm), Paragraph(para_text("Rencana tindak lanjut yang ditetapkan"), st["h2"]),
             _p(f"Tindak lanjut yang dicatat unit untuk periode {report.period.label}. Capaian: {share}.", st)]
    rows = [["Unsur", "Permasalahan", "Tindak lanjut", "PIC", "Waktu", "Status"]]
    for a in actions:
        status = followup_rtl.RTL_STATUSES[a.status]
        if a.completed_on:
            status += f", {date_id(a.completed_on)}"
        if a.cancel_reason:
            status += f": {a.cancel_reason}"
        rows.append([Paragraph(para_text(f"{a.unsur} {UNSUR_NAMES.get(a.unsur, a.unsur)}"), st["cell"]),
                     Paragraph(para_text(a.problem), st["cell"]), Paragraph(para_text(a.action), st["cell"]),
                     Paragraph(para_text(a.pic), st["cell"]),
                     Paragraph(para_text(followup_report.timing(a)), st["cell"]),
                     Paragraph(para_text(status), st["cell"])])
    story.append(table(rows, [2.5 * cm, 3.4 * cm, 3.9 * cm, 2.4 * cm, 2.5 * cm, 2.3 * cm]))
    return story


def story(report: IkmReport, st, info: DocumentInfo) -> list:
    themes = followup_report.report_themes(report)
    flow = cover(report, st, info, title=TITLE)
    flow += pendahuluan(report, st)
    flow += pengumpulan_data(report, st)
    flow += hasil(report, st)
    flow += analisis(report, st, themes)
    flow += pdf_inference.comparison_section(report, st, "4.3 Perbandingan antarperiode dan antarlayanan",
                                             heading="h2")
    flow += kesimpulan(report, st, themes)
    flow += tindak_lanjut(report, st, themes)
    flow += closing_page(report, st, info, heading="PENUTUP", text=(
        f"Demikian laporan hasil Survei Kepuasan Masyarakat {report.scope_label} periode {report.period.label} "
        "ini disusun sebagai bahan evaluasi dan perbaikan pelayanan publik. Data diolah di Pantau pada "
        f"{info.generated_text(report)}."))
    flow += pdf_sections.kritik(report, st, "Lampiran: Kritik dan saran")
    return flow
