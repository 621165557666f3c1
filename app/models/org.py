"""The organisation tree, its services (layanan) and the BPS region tree."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, sql_in, utcnow

UNIT_LEVELS = ("kementerian", "eselon1", "direktorat", "sentra", "satker")
# Indonesia's three zones; a unit's period boundaries are counted in its own zone.
TIMEZONES = {
    "Asia/Jakarta": "WIB (UTC+7)",
    "Asia/Makassar": "WITA (UTC+8)",
    "Asia/Jayapura": "WIT (UTC+9)",
}
REGION_LEVELS = ("provinsi", "kabkota", "kecamatan")


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint(f"level IN ({sql_in(UNIT_LEVELS)})", name="level"),
        CheckConstraint(f"timezone IN ({sql_in(TIMEZONES)})", name="timezone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The signature block of the unit's reports (closing page): where it is signed, and by whom.
    report_place: Mapped[str | None] = mapped_column(String(100))
    head_title: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(200))
    head_nip: Mapped[str | None] = mapped_column(String(30))
    # Random file name of the cover logo under <instance>/unit_logos (see app.reports.unit_logo).
    logo_file: Mapped[str | None] = mapped_column(String(64))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    layanan: Mapped[list[Layanan]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Layanan(Base):
    __tablename__ = "layanan"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Where the service point is (a sentra, a dinas): a provinsi or kab/kota; NULL = not tied to one region.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    unit: Mapped[Unit] = relationship(back_populates="layanan")
    region: Mapped[Region | None] = relationship()

    def __repr__(self) -> str:
        return f"<Layanan {self.slug}>"


class Region(Base):
    __tablename__ = "region"
    __table_args__ = (CheckConstraint(f"level IN ({sql_in(REGION_LEVELS)})", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # BPS code, e.g. 32 or 32.73
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Region {self.code}>"
