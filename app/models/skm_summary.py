"""Running SKM totals per layanan, month and flag state.

A report over a million responses must not scan a million rows: even one bare
scan costs over a second on SQLite. These tables hold the sums the IKM needs
(the same SUM/COUNT a GROUP BY over skm_response would give) and are kept
exact by database triggers on skm_response (migration 0005), so every insert
path — web form, import, bulk COPY, a test's ORM insert — updates them in the
same transaction. `flask --app wsgi rebuild-skm-summary` recomputes them from
the raw rows should they ever be doubted.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

UNSUR = tuple(f"u{i}" for i in range(1, 10))
PROFILE_DIMENSIONS = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan", "kategori")


class SkmSummary(Base):
    __tablename__ = "skm_summary"

    layanan_id: Mapped[int] = mapped_column(ForeignKey("layanan.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    flagged: Mapped[bool] = mapped_column(Boolean, primary_key=True)  # any data-quality flag
    n: Mapped[int] = mapped_column(Integer, default=0)
    u1_sum: Mapped[int] = mapped_column(Integer, default=0)
    u1_count: Mapped[int] = mapped_column(Integer, default=0)
    u2_sum: Mapped[int] = mapped_column(Integer, default=0)
    u2_count: Mapped[int] = mapped_column(Integer, default=0)
    u3_sum: Mapped[int] = mapped_column(Integer, default=0)
    u3_count: Mapped[int] = mapped_column(Integer, default=0)
    u4_sum: Mapped[int] = mapped_column(Integer, default=0)
    u4_count: Mapped[int] = mapped_column(Integer, default=0)
    u5_sum: Mapped[int] = mapped_column(Integer, default=0)
    u5_count: Mapped[int] = mapped_column(Integer, default=0)
    u6_sum: Mapped[int] = mapped_column(Integer, default=0)
    u6_count: Mapped[int] = mapped_column(Integer, default=0)
    u7_sum: Mapped[int] = mapped_column(Integer, default=0)
    u7_count: Mapped[int] = mapped_column(Integer, default=0)
    u8_sum: Mapped[int] = mapped_column(Integer, default=0)
    u8_count: Mapped[int] = mapped_column(Integer, default=0)
    u9_sum: Mapped[int] = mapped_column(Integer, default=0)
    u9_count: Mapped[int] = mapped_column(Integer, default=0)
    # Respondent means m_i (over the unsur each answered), for the IKM interval.
    m_sum: Mapped[float] = mapped_column(Float, default=0.0)
    m_sumsq: Mapped[float] = mapped_column(Float, default=0.0)
    m_count: Mapped[int] = mapped_column(Integer, default=0)
    n_straightline: Mapped[int] = mapped_column(Integer, default=0)
    n_too_fast: Mapped[int] = mapped_column(Integer, default=0)
    n_repeat_device: Mapped[int] = mapped_column(Integer, default=0)
    n_stamp_reused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    n_kritik: Mapped[int] = mapped_column(Integer, default=0)  # lets reports find the latest kritik cheaply


class SkmProfileCount(Base):
    """Respondents per profile value; '' stands for "not given"."""

    __tablename__ = "skm_profile_count"

    layanan_id: Mapped[int] = mapped_column(ForeignKey("layanan.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    flagged: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
