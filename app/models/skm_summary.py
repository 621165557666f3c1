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

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Table
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
    # Respondent means m_i (over the unsur each answered). The IKM interval no longer uses them (it is
    # linearised from skm_summary_cross, issue 12); kept so the 0005 triggers stay as they are.
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


class SkmProfileYear(Base):
    """skm_profile_count summed over each year, for reports whose period is whole years.

    A year report over 5,000 layanan read 1.5 M monthly profile rows (0.3-0.5 s,
    issue 17); the same counts per year are ~150,000 rows. A trigger on
    skm_profile_count keeps this table equal to its yearly sums (migration 0025),
    so it follows every path that changes the monthly counts.
    """

    __tablename__ = "skm_profile_year"

    layanan_id: Mapped[int] = mapped_column(ForeignKey("layanan.id"), primary_key=True)
    year: Mapped[str] = mapped_column(String(4), primary_key=True)
    flagged: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


def _cross_columns() -> tuple[str, ...]:
    names = []
    for i in range(1, 10):
        names.append(f"p{i}{i}")
        for j in range(i + 1, 10):
            names += [f"c{i}{j}", f"s{i}{j}", f"t{i}{j}", f"p{i}{j}"]
    return tuple(names)


# Per pair of unsur i < j, over responses answering both: c = count, s = SUM(ui), t = SUM(uj),
# p = SUM(ui*uj); and p{i}{i} = SUM(ui^2) (its count and sum are skm_summary's u{i}_count/u{i}_sum).
CROSS_COLUMNS = _cross_columns()


class SkmSummaryCross(Base):
    """Cross-product sums per layanan, month and flag state, for the linearised IKM interval.

    The variance of the IKM score (analysis.ikm, docs/METHODS.md) needs, for
    every pair of unsur, sums over the respondents who answered both. They are
    kept exact by their own triggers on skm_response (migration 0011), beside
    skm_summary rather than in it: one wide row per key costs one upsert per
    insert (a narrow row per pair would cost 45), and skm_summary's triggers
    stay untouched. SUMs over these rows add up across months and flag states.
    """

    __table__ = Table(
        "skm_summary_cross", Base.metadata,
        Column("layanan_id", ForeignKey("layanan.id"), primary_key=True),
        Column("period", String(7), primary_key=True),
        Column("flagged", Boolean, primary_key=True),
        Column("n", Integer, nullable=False, default=0),
        *(Column(name, Integer, nullable=False, default=0) for name in CROSS_COLUMNS),
    )

