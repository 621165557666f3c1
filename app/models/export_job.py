"""A large export run as a queued job (issue 15): who asked for which report, and how far it got.

Why a row: the file takes minutes for hundreds of thousands of responses, longer than a request may
wait. The row is what the job page shows (status, rows done of rows total) and what scope is checked
on; the file itself lives under instance/exports/ and is deleted after EXPORT_KEEP_DAYS.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, sql_in, utcnow
from app.models.org import Layanan, Region, Unit
from app.models.user import User

EXPORT_STATUS = ("antri", "berjalan", "selesai", "gagal")
ACTIVE_STATUS = ("antri", "berjalan")
EXPORT_FORMATS = ("csv", "csv-id", "xlsx")


class ExportJob(Base):
    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(EXPORT_STATUS)})", name="status"),
        CheckConstraint(f"format IN ({sql_in(EXPORT_FORMATS)})", name="format"),
        Index("ix_export_job_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    layanan_id: Mapped[int | None] = mapped_column(ForeignKey("layanan.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    period: Mapped[str] = mapped_column(String(10))  # a period code: 2025, 2025-S1, 2025-Q1, 2025-03
    format: Mapped[str] = mapped_column(String(10))
    exclude_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="antri")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(200))  # the name the download is offered under
    file_path: Mapped[str | None] = mapped_column(String(300))  # relative to instance/exports/, once written
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # the worker's last sign of life
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    layanan: Mapped[Layanan | None] = relationship()
    region: Mapped[Region | None] = relationship()
