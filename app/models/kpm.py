"""KPM income samples (panel data) and the reference lines they are banded against.

A KPM is known only by an HMAC of its NIK plus the last four digits; the NIK
itself is never stored. `eligible` (>= 3 calendar months after the
intervention) and `increased` (after > before) are derived when the sample is
saved and stored, so indicators are plain GROUP BY counts.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
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
from app.models.pendamping import RECORD_STATUS
from app.models.skm import BigId
from app.models.user import User

INCOME_MEASURES = {
    "omzet": "Omzet/pendapatan usaha",
    "laba": "Keuntungan bersih",
    "pendapatan_rt": "Pendapatan rumah tangga",
}
BUSINESS_STATUS = {"berjalan": "Masih berjalan", "berhenti": "Berhenti"}
# How a sample reached Pantau (code -> label); "api" is a monitor's token on /api/v1.
SAMPLE_SOURCES = {"web": "Formulir web", "import": "Impor berkas", "api": "API"}
DEFAULT_PROGRAMS = (
    ("PENA", "PENA (Pahlawan Ekonomi Nusantara)"),
    ("ATENSI", "ATENSI (vokasional/kewirausahaan)"),
    ("KAT", "KAT (Komunitas Adat Terpencil)"),
    ("DIKLAT", "Diklat pemberdayaan"),
)


class IncomeProgram(CodeNameRow, Base):
    __tablename__ = "income_program"


class Kpm(Base):
    __tablename__ = "kpm"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    nik_hmac: Mapped[str] = mapped_column(String(64), unique=True)  # hex HMAC-SHA256 under NIK_HMAC_KEY
    nik_last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class IncomeSample(Base):
    """One monitoring round of one KPM; several rounds form the panel."""

    __tablename__ = "income_sample"
    __table_args__ = (
        CheckConstraint(f"measure IN ({sql_in(INCOME_MEASURES)})", name="measure"),
        CheckConstraint(f"business_status IN ({sql_in(BUSINESS_STATUS)})", name="business_status"),
        CheckConstraint(f"status IN ({sql_in(RECORD_STATUS)})", name="status"),
        CheckConstraint(f"source IN ({sql_in(SAMPLE_SOURCES)})", name="source"),
        CheckConstraint("income_before >= 0 AND income_after >= 0", name="income_nonnegative"),
        CheckConstraint("household_size BETWEEN 1 AND 50", name="household_size_range"),
        CheckConstraint("cohort_year BETWEEN 2000 AND 2100", name="cohort_year_range"),
        CheckConstraint("length(period) = 7", name="period_format"),
        Index("ix_income_sample_unit_period", "unit_id", "period"),
        Index("ix_income_sample_kpm_program", "kpm_id", "program_id", "monitoring_date"),
        Index("ix_income_sample_monitor", "monitor_id", "monitoring_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    kpm_id: Mapped[int] = mapped_column(ForeignKey("kpm.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("income_program.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))  # kab/kota
    monitor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    source: Mapped[str] = mapped_column(String(10), default="web")
    cohort_year: Mapped[int] = mapped_column(SmallInteger)
    intervention_date: Mapped[date] = mapped_column(Date)
    monitoring_date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the monitoring date
    household_size: Mapped[int] = mapped_column(SmallInteger)
    measure: Mapped[str] = mapped_column(String(20))
    income_before: Mapped[int] = mapped_column(BigInteger)  # Rupiah per month
    income_after: Mapped[int] = mapped_column(BigInteger)
    business_status: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    eligible: Mapped[bool] = mapped_column(Boolean)
    increased: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10), default="valid")
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    kpm: Mapped[Kpm] = relationship()
    program: Mapped[IncomeProgram] = relationship()
    unit: Mapped[Unit] = relationship()
    region: Mapped[Region] = relationship()
    monitor: Mapped[User | None] = relationship(foreign_keys=[monitor_id])


class PovertyLine(Base):
    """BPS garis kemiskinan (ekstrem) per province and period (BPS publishes March and September)."""

    __tablename__ = "poverty_line"
    __table_args__ = (
        UniqueConstraint("province_id", "period"),
        CheckConstraint("extreme_line > 0 AND poverty_line >= extreme_line", name="lines_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM the line applies from
    extreme_line: Mapped[int] = mapped_column(BigInteger)  # Rupiah per capita per month
    poverty_line: Mapped[int] = mapped_column(BigInteger)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(200), default="")

    province: Mapped[Region] = relationship()


class Umk(Base):
    """Upah minimum kabupaten/kota per year."""

    __tablename__ = "umk"
    __table_args__ = (
        UniqueConstraint("region_id", "year"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    amount: Mapped[int] = mapped_column(BigInteger)  # Rupiah per month
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(200), default="")

    region: Mapped[Region] = relationship()
