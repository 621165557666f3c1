"""Performance indicators (IKU/IKP/IKK) with yearly targets, and service-user populations.

An indicator code repeats across directorates, so it is unique only within its
unit. Targets keep every revision within a year (PK Januari, PK Agustus): a
report names the revision it uses. `ServicePopulation` holds the number of a
layanan's service users in a period, entered by an admin, which sets the
Krejcie-Morgan sample target for the SKM.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, sql_in, utcnow
from app.models.org import Layanan, Unit

KINDS = {"percentage": "Persentase", "index": "Indeks"}
POLARITIES = {"positive": "Positif (makin tinggi makin baik)", "negative": "Negatif (makin rendah makin baik)"}
SOURCES = {
    "skm": "IKM SKM dari sejumlah layanan",
    "pendamping": "Monitoring pendamping (per jenis)",
    "income": "Sampel pendapatan KPM",
    "aggregate": "Agregat sub-indikator",
    "manual": "Nilai manual dengan catatan",
}
AGGREGATE_METHODS = {"mean": "Rata-rata tak tertimbang", "pooled": "Gabungan (pooled)"}
CI_METHODS = ("wilson", "wald", "agresti-coull", "jeffreys", "clopper-pearson", "exact")


indicator_layanan = Table(
    "indicator_layanan",
    Base.metadata,
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
    Column("layanan_id", ForeignKey("layanan.id"), primary_key=True),
)

indicator_component = Table(
    "indicator_component",
    Base.metadata,
    Column("parent_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
    Column("child_id", ForeignKey("indicator.id"), primary_key=True),
    CheckConstraint("parent_id <> child_id", name="not_self"),
)


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("unit_id", "code"),
        CheckConstraint(f"kind IN ({sql_in(KINDS)})", name="kind"),
        CheckConstraint(f"polarity IN ({sql_in(POLARITIES)})", name="polarity"),
        CheckConstraint(f"source IN ({sql_in(SOURCES)})", name="source"),
        CheckConstraint(f"aggregate_method IS NULL OR aggregate_method IN ({sql_in(AGGREGATE_METHODS)})",
                        name="aggregate_method"),
        CheckConstraint(f"ci_method IN ({sql_in(CI_METHODS)})", name="ci_method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(12), default="percentage")
    polarity: Mapped[str] = mapped_column(String(10), default="positive")
    source: Mapped[str] = mapped_column(String(12))
    ci_method: Mapped[str] = mapped_column(String(20), default="wilson")
    use_fpc: Mapped[bool] = mapped_column(Boolean, default=True)
    aggregate_method: Mapped[str | None] = mapped_column(String(10))
    pendamping_type: Mapped[str | None] = mapped_column(String(40))  # pendamping_type.code; NULL = every type
    income_program: Mapped[str | None] = mapped_column(String(40))  # income_program.code
    income_measure: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    layanan: Mapped[list[Layanan]] = relationship(secondary=indicator_layanan, order_by=Layanan.name)
    components: Mapped[list[Indicator]] = relationship(
        secondary=indicator_component,
        primaryjoin=lambda: Indicator.id == indicator_component.c.parent_id,
        secondaryjoin=lambda: Indicator.id == indicator_component.c.child_id,
        order_by=lambda: Indicator.code,
    )
    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by=lambda: (IndicatorTarget.year, IndicatorTarget.effective_date, IndicatorTarget.id))
    manual_values: Mapped[list[IndicatorManualValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by=lambda: IndicatorManualValue.year)

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class IndicatorTarget(Base):
    """One target revision; the latest effective_date within a year is the one in force."""

    __tablename__ = "indicator_target"
    __table_args__ = (
        UniqueConstraint("indicator_id", "year", "revision"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    revision: Mapped[str] = mapped_column(String(60))  # e.g. "PK Januari", "PK Agustus"
    effective_date: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class IndicatorManualValue(Base):
    """A realisasi entered by hand (source = manual); the note says where it comes from."""

    __tablename__ = "indicator_manual_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint("n IS NULL OR t IS NULL OR n <= t", name="n_le_t"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    value: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)  # successes, when the value is n/t
    t: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="manual_values")


class ServicePopulation(Base):
    """Service users of a layanan in a period (period code: 2025, 2025-S1, 2025-Q1 or 2025-03)."""

    __tablename__ = "service_population"
    __table_args__ = (
        UniqueConstraint("layanan_id", "period"),
        CheckConstraint("population > 0", name="population_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    layanan_id: Mapped[int] = mapped_column(ForeignKey("layanan.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    population: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    layanan: Mapped[Layanan] = relationship()
