"""SKM (Survei Kepuasan Masyarakat) responses, one row per respondent.

Answers are stored by unsur code (u1..u9, PermenPAN-RB 14/2017 order), never by
the position a form happened to show them in. `period` is the month in the
unit's local time zone, so a response at 23:30 WIT on 31 March counts for March.
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
    Integer,
    SmallInteger,
    String,
    Text,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CodeNameRow, sql_in, utcnow
from app.models.org import Layanan

UNSUR_COLUMNS = tuple(f"u{i}" for i in range(1, 10))
CHANNELS = ("web", "kiosk", "import", "api")
JENIS_KELAMIN = {"L": "Laki-laki", "P": "Perempuan"}
# "TS" = tidak/belum sekolah; the other codes are their own labels.
PENDIDIKAN = ("TS", "SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3")
PENDIDIKAN_LABELS = {"TS": "Tidak/belum sekolah", **{p: p for p in PENDIDIKAN[1:]}}
PEKERJAAN = ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya")
KRITIK_SARAN_MAX = 2000
FORM_VERSION = "skm-2017-v1"
# Seed 001 uses these respondent categories ("unsur responden").
DEFAULT_RESPONDENT_CATEGORIES = (
    ("internal", "Internal Kementerian"),
    ("kl", "Kementerian/Lembaga"),
    ("masyarakat", "Masyarakat"),
    ("ornop", "Organisasi Non-Pemerintah"),
    ("pemda", "Pemerintah Daerah"),
    ("pilar-kelembagaan", "Pilar Sosial Kelembagaan"),
    ("pilar-perorangan", "Pilar Sosial Perorangan"),
)

BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements only INTEGER keys


class RespondentCategory(CodeNameRow, Base):
    """"Unsur responden" categories; admins edit them, responses keep the id."""

    __tablename__ = "respondent_category"
    NAME_LENGTH = 120


class SkmResponse(Base):
    __tablename__ = "skm_response"
    __table_args__ = (
        *(CheckConstraint(f"{col} BETWEEN 1 AND 4", name=f"{col}_range") for col in UNSUR_COLUMNS),
        CheckConstraint(f"channel IN ({sql_in(CHANNELS)})", name="channel"),
        CheckConstraint(f"jenis_kelamin IN ({sql_in(JENIS_KELAMIN)})", name="jenis_kelamin"),
        CheckConstraint(f"pendidikan IN ({sql_in(PENDIDIKAN)})", name="pendidikan"),
        CheckConstraint(f"pekerjaan IN ({sql_in(PEKERJAAN)})", name="pekerjaan"),
        CheckConstraint("usia BETWEEN 10 AND 120", name="usia_range"),
        CheckConstraint(f"length(kritik_saran) <= {KRITIK_SARAN_MAX}", name="kritik_saran_length"),
        CheckConstraint("length(period) = 7", name="period_format"),
        # Aggregation is always per layanan and period (month); years and quarters are ranges of months.
        Index("ix_skm_response_layanan_period", "layanan_id", "period"),
        # Finds earlier uses of a render stamp (ballot stuffing), see app.skm.submit.
        Index("ix_skm_response_stamp_hash", "stamp_hash"),
        # Serves the same-device-today check on every web submission (issue 14).
        Index("ix_skm_response_device_day", "device_hash", "layanan_id", "submitted_at"),
        # The report's latest kritik dan saran, newest first (issue 17): without it the latest months of a
        # 5,000-layanan unit (800,000 rows a month at 10 M a year) are read and sorted to keep 200. Its
        # predicate is one only that query states (app.reports.respondents.KRITIK_LATEST), so the planner
        # never ANDs this 4-million-entry index into other kritik counts.
        Index("ix_skm_response_kritik_latest", "submitted_at", "id",
              postgresql_where=text("kritik_saran > ''"), sqlite_where=text("kritik_saran > ''")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    layanan_id: Mapped[int] = mapped_column(ForeignKey("layanan.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM in the unit's time zone
    form_version: Mapped[str] = mapped_column(String(20), default=FORM_VERSION)
    channel: Mapped[str] = mapped_column(String(10), default="web")

    u1: Mapped[int | None] = mapped_column(SmallInteger)
    u2: Mapped[int | None] = mapped_column(SmallInteger)
    u3: Mapped[int | None] = mapped_column(SmallInteger)
    u4: Mapped[int | None] = mapped_column(SmallInteger)
    u5: Mapped[int | None] = mapped_column(SmallInteger)
    u6: Mapped[int | None] = mapped_column(SmallInteger)
    u7: Mapped[int | None] = mapped_column(SmallInteger)
    u8: Mapped[int | None] = mapped_column(SmallInteger)
    u9: Mapped[int | None] = mapped_column(SmallInteger)

    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    usia: Mapped[int | None] = mapped_column(SmallInteger)
    pendidikan: Mapped[str | None] = mapped_column(String(10))
    pekerjaan: Mapped[str | None] = mapped_column(String(20))
    respondent_category_id: Mapped[int | None] = mapped_column(ForeignKey("respondent_category.id"))
    service_date: Mapped[date | None] = mapped_column(Date)
    kritik_saran: Mapped[str | None] = mapped_column(Text)

    # Data-quality flags: stored, shown and excludable, never silently dropped.
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    device_hash: Mapped[str | None] = mapped_column(String(64))
    flag_straightline: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_too_fast: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_repeat_device: Mapped[bool] = mapped_column(Boolean, default=False)
    # Keyed hash of the render stamp; a stamp already used by another (or no) device is a replay.
    stamp_hash: Mapped[str | None] = mapped_column(String(64))
    # Server default only, so inserts written against older revisions (tests, bulk COPY) stay valid.
    flag_stamp_reused: Mapped[bool] = mapped_column(Boolean, server_default=false())

    layanan: Mapped[Layanan] = relationship()
    respondent_category: Mapped[RespondentCategory | None] = relationship()

    @property
    def answers(self) -> dict[str, int | None]:
        """Answers keyed by unsur code ('U1'..'U9'), the shape analysis.ikm takes."""
        return {col.upper(): getattr(self, col) for col in UNSUR_COLUMNS}

    @property
    def flagged(self) -> bool:
        return self.flag_straightline or self.flag_too_fast or self.flag_repeat_device or self.flag_stamp_reused
