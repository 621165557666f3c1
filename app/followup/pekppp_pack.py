"""The PEKPPP evidence pack: one ZIP per unit and period, for the web download and `report pekppp`.

PEKPPP evaluators ask for proof of each SKM figure. The pack gathers the
documents that already exist (the Laporan Hasil SKM PDF, the data XLSX, the
RTL status and the publication log with its evidence files) and a cover sheet
that names, for each figure, the file in the ZIP that proves it, so the cover
and the contents cannot drift apart: the cover is written from the same list
of entries that fills the archive. Services take plain values; the caller
checks scope.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import select

from app.core.local_time import date_id, now_utc
from app.core.periods import Period
from app.extensions import db
from app.followup import evidence_files, publication
from app.followup import report as followup_report
from app.models import Unit
from app.models.followup import PUBLICATION_MEDIA
from app.reports import ikm as ikm_report
from app.reports import pdf_report, unit_logo
from app.reports.exports import Column
from app.reports.pdf_base import Fonts, clean, fmt, para_text, styles, table
from app.reports.workbook import write_report_xlsx
from app.reports.xlsx import Sheet, write_xlsx

LAPORAN = "01_laporan_hasil_skm.pdf"
DATA = "02_data_skm.xlsx"
RTL_PDF = "03_status_rtl.pdf"
RTL_XLSX = "03_status_rtl.xlsx"
PUB_PDF = "04_log_publikasi.pdf"
PUB_XLSX = "04_log_publikasi.xlsx"
EVIDENCE_DIR = "04_bukti_publikasi/"
COVER = "00_sampul.txt"

PUB_COLUMNS = (Column("no", "No", 5), Column("media", "Media", 28),
               Column("tanggal", "Tanggal terbit", 14, "dd/mm/yyyy"), Column("alamat", "Alamat web", 40),
               Column("keterangan", "Keterangan", 30),
               Column("bukti", "Berkas bukti di ZIP", 30))


@dataclass(frozen=True)
class Figure:
    """One PEKPPP figure on the cover and the ZIP file that proves it."""

    label: str
    value: str
    files: tuple[str, ...]


def _simple_pdf(title: str, unit: Unit, period: Period, header: list[str], rows: list[list], widths) -> bytes:
    Fonts.ensure()
    st = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                            title=clean(f"{title} {unit.code} {period.label}"), author="Pantau")
    cells = [[Paragraph(para_text(h), st["cell"]) for h in header]]
    cells += [[Paragraph(para_text("—" if v is None else v), st["cell"]) for v in row] for row in rows]
    story = [Paragraph(para_text(f"{title} — {unit.code} {unit.name}, {period.label}"), st["h1"]), Spacer(1, 4)]
    story.append(table(cells, widths) if rows else Paragraph("Belum ada catatan.", st["body"]))
    doc.build(story)
    return buffer.getvalue()


def _xlsx(sheet: Sheet) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [sheet])
    return buffer.getvalue()


def build_pack(unit: Unit, period: Period, instance_path: str, generated_at: datetime | None = None) -> bytes:
    """The ZIP bytes for `unit` (with its sub-units) and `period`; the cover lists every figure with its proof."""
    generated_at = generated_at or now_utc()
    report = ikm_report.build_report(unit, period)
    logo = unit_logo.path_for(unit.logo_file, instance_path)
    files: dict[str, bytes] = {LAPORAN: pdf_report.render_laporan_skm(report, generated_at, logo_path=logo)}
    data = io.BytesIO()
    write_report_xlsx(report, data, generated_at)
    files[DATA] = data.getvalue()

    actions = followup_report.recorded_actions(report)
    rtl_rows = followup_report.rtl_rows(report)
    files[RTL_XLSX] = _xlsx(Sheet("RTL", followup_report.RTL_COLUMNS, rtl_rows))
    files[RTL_PDF] = _simple_pdf(
        "Status rencana tindak lanjut", unit, period,
        ["Unsur", "Layanan", "Tindakan", "Penanggung jawab", "Jadwal", "Status", "Selesai"],
        [[a.unsur, a.layanan.name if a.layanan else f"Unit {a.unit.code}", a.action, a.pic,
          followup_report.timing(a), row[8], date_id(a.completed_on) if a.completed_on else None]
         for a, row in zip(actions, rtl_rows, strict=True)],
        [1.4 * cm, 4.5 * cm, 7.5 * cm, 3.5 * cm, 5 * cm, 2.2 * cm, 2.6 * cm])

    records = list(db.session.scalars(publication.records_stmt(unit.id, period.code)))
    pub_rows = []
    for i, record in enumerate(records, 1):
        name = None
        path = evidence_files.path_for(record.evidence_file, instance_path)
        if path is not None and os.path.isfile(path):
            name = f"{EVIDENCE_DIR}{i:03d}_{record.medium}.{record.evidence_file.rsplit('.', 1)[1]}"
            with open(path, "rb") as handle:
                files[name] = handle.read()
        pub_rows.append((i, PUBLICATION_MEDIA.get(record.medium, record.medium)
                         + (f" ({record.description})" if record.description else ""),
                         record.published_on, record.url, record.description, name))
    public_page = publication.public_page_medium(unit.id, period.code, unit.timezone)
    if public_page:
        pub_rows.append((len(pub_rows) + 1, "Halaman hasil publik Pantau", public_page.first_shown_on,
                         public_page.path, "dicatat otomatis: tanggal halaman pertama kali menampilkan hasil "
                         "periode ini", None))
    files[PUB_XLSX] = _xlsx(Sheet("Publikasi", PUB_COLUMNS, pub_rows))
    files[PUB_PDF] = _simple_pdf(
        "Log publikasi hasil SKM", unit, period, ["No", "Media", "Tanggal", "Alamat web", "Bukti"],
        [[r[0], r[1], date_id(r[2]) if r[2] else None, r[3], r[5]] for r in pub_rows],
        [1.2 * cm, 7 * cm, 4 * cm, 7.5 * cm, 6.5 * cm])

    completion = followup_report.completion_for(actions)
    target = report.km_target
    figures = [
        Figure("IKM", fmt(report.headline.score) if report.headline else "— (belum ada respons)", (LAPORAN, DATA)),
        Figure("Jumlah responden (n) vs target Krejcie-Morgan",
               f"{report.n} dari target {target}" + (" (terpenuhi)" if report.n >= target else " (belum terpenuhi)")
               if target else f"{report.n} (populasi belum diisi, target tidak dapat dihitung)", (LAPORAN, DATA)),
        Figure("Jumlah media publikasi", str(publication.media_count(unit.id, period.code))
               + (f" (termasuk halaman hasil publik Pantau {public_page.path}, pertama tampil "
                  f"{public_page.first_shown_text})" if public_page else ""),
               (PUB_PDF, PUB_XLSX, *sorted(n for n in files if n.startswith(EVIDENCE_DIR)))),
        Figure("Persentase RTL selesai",
               f"{fmt(completion.share, 1)}% ({completion.done} dari {completion.counted} tindak lanjut selesai, "
               f"{completion.cancelled} dibatalkan)" if completion.share is not None else "— (belum ada RTL)",
               (RTL_PDF, RTL_XLSX, LAPORAN)),
    ]
    files[COVER] = cover_text(unit, period, figures, generated_at).encode("utf-8")

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return out.getvalue()


class UnknownUnit(LookupError):
    """No unit has the code given on the command line."""


def build_pack_for_code(unit_code: str, period: Period, instance_path: str) -> tuple[Unit, bytes]:
    """`report pekppp`: the command line names the unit by its code and sees every unit (no user, no scope)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        raise UnknownUnit(unit_code)
    return unit, build_pack(unit, period, instance_path)


def cover_text(unit: Unit, period: Period, figures: list[Figure], generated_at: datetime) -> str:
    lines = ["BERKAS BUKTI PEKPPP — SURVEI KEPUASAN MASYARAKAT",
             f"Unit    : {unit.code} — {unit.name}", f"Periode : {period.label} ({period.code})",
             f"Dibuat  : {date_id(generated_at.date())}", "", "Angka dan berkas buktinya:"]
    for i, figure in enumerate(figures, 1):
        lines.append(f"{i}. {figure.label}: {figure.value}")
        lines += [f"   Bukti: {name}" for name in figure.files]
    return "\n".join(lines) + "\n"


def cover_files(cover: str) -> list[str]:
    """The file names a cover sheet cites (what the tests check against the archive)."""
    return [line.split("Bukti: ", 1)[1] for line in cover.splitlines() if line.strip().startswith("Bukti: ")]


def file_name(unit: Unit, period: Period) -> str:
    return f"bukti-pekppp-{unit.code.lower()}-{period.code}.zip"
