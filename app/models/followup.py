"""Rencana tindak lanjut (RTL): what a unit does about its weakest unsur, per layanan (or unit) and period.

PermenPAN-RB 14/2017 asks each unit to plan and report follow-up for the weakest
unsur; the PEKPPP evaluation scores the share followed up. Each action is one
row; the kritik dan saran items that motivated it are linked through
`rtl_action_kritik`, so the evidence stays the respondents' own (unedited) text.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CodeNameRow, utcnow
from app.models.skm import BigId

RTL_STATUSES = {"rencana": "Rencana", "berjalan": "Berjalan", "selesai": "Selesai", "dibatalkan": "Dibatalkan"}
DEFAULT_NRR_THRESHOLD = 3.0  # "Baik" starts at NRR 3.0 on the 1-4 scale

rtl_action_kritik = Table(
    "rtl_action_kritik",
    Base.metadata,
    Column("action_id", ForeignKey("rtl_action.id", ondelete="CASCADE"), primary_key=True),
    Column("response_id", BigId, ForeignKey("skm_response.id", ondelete="CASCADE"), primary_key=True),
)


class RtlAction(Base):
    __tablename__ = "rtl_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    layanan_id: Mapped[int | None] = mapped_column(ForeignKey("layanan.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # a period code: 2025, 2025-S1, 2025-Q3, 2025-03
    unsur: Mapped[str] = mapped_column(String(3))  # U1..U9
    problem: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    pic: Mapped[str] = mapped_column(String(200))
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="rencana")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    evidence_file: Mapped[str | None] = mapped_column(String(64))  # random name under the instance folder
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    unit = relationship("Unit")
    layanan = relationship("Layanan")
    kritik = relationship("SkmResponse", secondary=rtl_action_kritik, order_by="SkmResponse.id")


class RtlSetting(Base):
    """Per-unit follow-up settings; a unit without a row uses the defaults."""

    __tablename__ = "rtl_setting"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    nrr_threshold: Mapped[float] = mapped_column(Float, default=DEFAULT_NRR_THRESHOLD)
    show_pic: Mapped[bool] = mapped_column(Boolean, default=False)  # officer names on the public page


# ---- kritik dan saran triage ------------------------------------------------------------------

TRIAGE_STATUSES = {"baru": "Baru", "ditindaklanjuti": "Ditindaklanjuti", "ditutup": "Ditutup"}
# The default theme catalogue: the 9 unsur, plus praise and everything else (admins may add more).
DEFAULT_THEMES = (
    ("U1", "Persyaratan", "U1"), ("U2", "Prosedur", "U2"), ("U3", "Waktu pelayanan", "U3"),
    ("U4", "Biaya/tarif", "U4"), ("U5", "Produk layanan", "U5"), ("U6", "Kompetensi pelaksana", "U6"),
    ("U7", "Perilaku pelaksana", "U7"), ("U8", "Penanganan pengaduan", "U8"), ("U9", "Sarana dan prasarana", "U9"),
    ("apresiasi", "Apresiasi", None), ("lainnya", "Lainnya", None),
)

kritik_triage_theme = Table(
    "kritik_triage_theme",
    Base.metadata,
    Column("response_id", BigId, ForeignKey("kritik_triage.response_id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("kritik_theme.id", ondelete="CASCADE"), primary_key=True),
)


class KritikTheme(CodeNameRow, Base):
    """One theme in the admin-managed catalogue."""

    __tablename__ = "kritik_theme"
    CODE_LENGTH = 30
    NAME_LENGTH = 100
    SORT_TYPE = Integer

    unsur: Mapped[str | None] = mapped_column(String(3))


class KritikTriage(Base):
    """An analyst's triage of one kritik dan saran answer; the text itself stays in skm_response, unedited.

    An answer without a row is "baru" and public. Links to RTL actions live in rtl_action_kritik.
    """

    __tablename__ = "kritik_triage"

    response_id: Mapped[int] = mapped_column(BigId, ForeignKey("skm_response.id", ondelete="CASCADE"),
                                             primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="baru")
    hidden_public: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    themes = relationship(KritikTheme, secondary=kritik_triage_theme, order_by=KritikTheme.sort_order)


# ---- publication log --------------------------------------------------------------------------

PUBLICATION_MEDIA = {
    "website": "Situs web", "papan": "Papan pengumuman di tempat layanan", "media_sosial": "Media sosial",
    "spanduk": "Spanduk/banner cetak", "lainnya": "Media lain",
}


class PublicationRecord(Base):
    """Where and when a unit published a period's SKM results (PEKPPP counts the media)."""

    __tablename__ = "publication_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    medium: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)  # required for "lainnya"
    url: Mapped[str | None] = mapped_column(String(500))
    published_on: Mapped[date] = mapped_column(Date)
    evidence_file: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit = relationship("Unit")


class PublicResultsShown(Base):
    """When a unit's public results page (/hasil/<unit>) first showed results of a period.

    PEKPPP counts the page as one publication medium, dated by its first
    publication: the first time the page was served with responses of that period
    on a published layanan (app.followup.publication.record_results_shown). One
    row per unit and period code; the first serve wins and later ones leave it.
    """

    __tablename__ = "public_results_shown"
    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period: Mapped[str] = mapped_column(String(10))  # 2025, 2025-S1, 2025-Q1 or 2025-03
    first_shown_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC
