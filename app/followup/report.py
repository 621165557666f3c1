"""The recorded follow-up in the IKM report: the RTL matrix of the "Laporan Hasil SKM" PDF and the XLSX RTL sheet.

Rows come from rtl_action for the report's unit subtree (or its one layanan)
and period, so the report shows what the unit actually decided, next to the
proposals the PDF already derives from the lowest unsur.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core.local_time import date_id
from app.core.scoping import unit_subtree_ids
from app.extensions import db
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
