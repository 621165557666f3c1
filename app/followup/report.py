"""The recorded follow-up in the IKM report: the RTL matrix of the "Laporan Hasil SKM" PDF, the XLSX RTL
sheet, and the kritik dan saran theme counts of the PDF.

Rows come from rtl_action for the report's unit subtree (or its one layanan)
and period, so the report shows what the unit actually decided, next to the
proposals the PDF already derives from the lowest unsur. Theme counts come from
the analysts' triage (the catalogue's tags); the keyword grouping
(app.followup.kritik_themes) is only an estimate for answers nobody has tagged.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.local_time import date_id
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup import kritik_themes, triage
from app.followup.rtl import UNSUR_NAMES, Completion, completion_of
from app.models import RtlAction
from app.models.followup import RTL_STATUSES
from app.reports.exports import Column
from app.reports.rollup import IkmReport

RTL_COLUMNS: tuple[Column, ...] = (
    Column("unsur", "Unsur", 8),
    Column("unsur_nama", "Nama unsur", 24),
    Column("layanan", "Layanan", 32),
    Column("permasalahan", "Permasalahan", 40),
    Column("tindakan", "Rencana tindak lanjut", 40),
    Column("pic", "Penanggung jawab", 22),
    Column("mulai", "Rencana mulai", 12, "dd/mm/yyyy"),
    Column("selesai_rencana", "Rencana selesai", 12, "dd/mm/yyyy"),
    Column("status", "Status", 12),
    Column("tanggal_selesai", "Tanggal selesai", 12, "dd/mm/yyyy"),
    Column("alasan_batal", "Alasan pembatalan", 30),
    Column("catatan_bukti", "Catatan bukti", 30),
)


def recorded_actions(report: IkmReport) -> list[RtlAction]:
    stmt = select(RtlAction).where(RtlAction.unit_id.in_(unit_subtree_ids(report.unit.id)),
                                   RtlAction.period == report.period.code)
    if report.layanan is not None:
        stmt = stmt.where(RtlAction.layanan_id == report.layanan.id)
    return list(db.session.scalars(stmt.order_by(RtlAction.unsur, RtlAction.id)))


def completion_for(actions: list[RtlAction]) -> Completion:
    return completion_of([a.status for a in actions])


def rtl_rows(report: IkmReport) -> list[tuple]:
    """One row per recorded action, for the XLSX RTL sheet (dates as date cells)."""
    return [(a.unsur, UNSUR_NAMES.get(a.unsur, a.unsur), a.layanan.name if a.layanan else f"Unit {a.unit.code}",
             a.problem, a.action, a.pic, a.planned_start, a.planned_end, RTL_STATUSES[a.status], a.completed_on,
             a.cancel_reason, a.evidence_note) for a in recorded_actions(report)]


def timing(action: RtlAction) -> str:
    """"1 Februari 2026 – 30 Juni 2026", with a dash for a missing end."""
    start = date_id(action.planned_start) if action.planned_start else "—"
    end = date_id(action.planned_end) if action.planned_end else "—"
    return f"{start} – {end}"


@dataclass(frozen=True)
class ReportThemes:
    """Kritik dan saran themes for a report: the tagged counts and a keyword estimate for the untagged rest."""

    counts: triage.ThemeCounts  # every answer of the report's layanan and period; by_theme from the tags
    unsur_of: dict[str, str | None]  # theme name -> unsur it belongs to
    fallback: list[kritik_themes.Theme]  # keyword groups over the latest untagged answers only
    fallback_read: int  # how many untagged answers the estimate read

    @property
    def tagged(self) -> int:
        return self.counts.total - self.counts.untagged

    def by_unsur(self) -> dict[str, int]:
        """Answers per unsur: tagged counts when anything is tagged, else the keyword estimate."""
        if self.counts.by_theme:
            pairs = [(self.unsur_of.get(name), n) for name, n in self.counts.by_theme]
        else:
            pairs = [(t.unsur, t.count) for t in self.fallback]
        return {code: n for code, n in pairs if code}

    def top_named(self) -> tuple[str, int] | None:
        """The most frequent theme tied to an unsur (tags first; the estimate only when nothing is tagged)."""
        if self.counts.by_theme:
            named = [(name, n) for name, n in self.counts.by_theme if self.unsur_of.get(name)]
        else:
            named = [(t.label, t.count) for t in self.fallback if t.unsur]
        return named[0] if named else None


def report_themes(report: IkmReport) -> ReportThemes:
    """Tagged counts over every answer of the report (one query); the keyword estimate over the report's
    latest answers (report.kritik, already read for the appendix) that carry no theme."""
    untagged = [item for item in report.kritik if not item.get("tagged") and (item.get("text") or "").strip()]
    if report.kritik_total is not None and len(untagged) == report.kritik_total:
        # every answer of the period was read and none carries a theme: the counts need no query
        counts, unsur_of = triage.ThemeCounts(report.kritik_total, report.kritik_total, []), {}
    else:
        counts, unsur_of = triage.report_theme_counts([line.id for line in report.lines], report.period,
                                                      report.exclude_flagged)
    return ReportThemes(counts, unsur_of, kritik_themes.group(untagged), len(untagged))
