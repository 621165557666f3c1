"""Pendamping registry, versioned checklists and monitoring records.

A monitoring record keeps the raw answers, the checklist version it was
answered against and the derived `optimal` outcome, so editing a checklist
later never rewrites what was measured.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CodeNameRow, sql_in, utcnow
from app.models.org import Region, Unit
from app.models.skm import BigId
from app.models.user import User

PENDAMPING_STATUS = {"aktif": "Aktif", "berhenti": "Berhenti"}
CHECK_METHODS = {"kunjungan": "Kunjungan", "verifikasi": "Verifikasi laporan", "telepon": "Telepon"}
RECORD_STATUS = {"valid": "Valid", "rejected": "Ditolak"}

# (code, name) — the pendamping types named in the seeds (DOMAIN.md).
DEFAULT_PENDAMPING_TYPES = (
    ("TKSK", "TKSK"),
    ("PSM", "PSM"),
    ("PEKSOS", "Pekerja Sosial"),
    ("PENYULUH", "Penyuluh Sosial"),
    ("RELAWAN", "Relawan Sosial"),
    ("PKH", "Pendamping PKH"),
    ("TAGANA", "Tagana"),
    ("PELOPOR", "Pelopor Perdamaian"),
    ("REHSOS", "Pendamping Rehabilitasi Sosial"),
    ("DAYASOS", "Pendamping Pemberdayaan Sosial"),
)
# Seed 001 lines 2844-2848: optimal = pelayanan per pedoman/juknis, reported, and capacity building.
DEFAULT_CRITERIA = (
    ("K1", "Melaksanakan pelayanan dan pendampingan sosial sesuai pedoman/juknis program", True),
    ("K2", "Menyampaikan laporan kegiatan periode ini dan laporan telah diverifikasi", True),
    ("K3", "Mengikuti peningkatan kapasitas (diklat/bintek) pada periode ini", True),
)


class PendampingType(CodeNameRow, Base):
    __tablename__ = "pendamping_type"


class ChecklistVersion(Base):
    """One version of a type's checklist; records point at the version they used."""

    __tablename__ = "checklist_version"
    __table_args__ = (UniqueConstraint("type_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("pendamping_type.id"), index=True)
    version: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    type: Mapped[PendampingType] = relationship()
    criteria: Mapped[list[ChecklistCriterion]] = relationship(
        order_by="ChecklistCriterion.sort_order", back_populates="version_row")


class ChecklistCriterion(Base):
    __tablename__ = "checklist_criterion"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)

    version_row: Mapped[ChecklistVersion] = relationship(back_populates="criteria")


class Pendamping(Base):
    __tablename__ = "pendamping"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(PENDAMPING_STATUS)})", name="status"),
        CheckConstraint("status = 'aktif' OR status_date IS NOT NULL", name="berhenti_has_date"),
        Index("ix_pendamping_unit_type_region", "unit_id", "type_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int] = mapped_column(ForeignKey("pendamping_type.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))  # kab/kota
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    status: Mapped[str] = mapped_column(String(10), default="aktif")
    status_date: Mapped[date | None] = mapped_column(Date)  # when berhenti
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    type: Mapped[PendampingType] = relationship()
    unit: Mapped[Unit] = relationship()
    region: Mapped[Region] = relationship(foreign_keys=[region_id])
    kecamatan: Mapped[Region | None] = relationship(foreign_keys=[kecamatan_id])


class PendampingCheck(Base):
    """One monitoring of one pendamping for one period (unique per pendamping and period).

    `unit_id` and `region_id` copy the pendamping's at recording time so scope
    filters and GROUP BY need no join.
    """

    __tablename__ = "pendamping_check"
    __table_args__ = (
        UniqueConstraint("pendamping_id", "period"),
        CheckConstraint(f"method IN ({sql_in(CHECK_METHODS)})", name="method"),
        CheckConstraint(f"status IN ({sql_in(RECORD_STATUS)})", name="status"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint("gps_accuracy_m IS NULL OR gps_accuracy_m >= 0", name="accuracy_range"),
        Index("ix_pendamping_check_unit_period", "unit_id", "period_start"),
        Index("ix_pendamping_check_monitor", "monitor_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    pendamping_id: Mapped[int] = mapped_column(ForeignKey("pendamping.id"))
    period: Mapped[str] = mapped_column(String(7))  # period code: 2025, 2025-S1, 2025-Q1 or 2025-03
    period_start: Mapped[str] = mapped_column(String(7))  # YYYY-MM, inclusive
    period_end: Mapped[str] = mapped_column(String(7))
    visit_date: Mapped[date] = mapped_column(Date)
    monitor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("pendamping_type.id"))
    method: Mapped[str] = mapped_column(String(12))
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)  # {criterion code: true/false}
    optimal: Mapped[bool] = mapped_column(Boolean)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    gps_accuracy_m: Mapped[float | None] = mapped_column(Float)
    gps_warning: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="valid")
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    pendamping: Mapped[Pendamping] = relationship()
    monitor: Mapped[User | None] = relationship(foreign_keys=[monitor_id])
    checklist_version: Mapped[ChecklistVersion] = relationship()
    region: Mapped[Region] = relationship()
    type: Mapped[PendampingType] = relationship()
