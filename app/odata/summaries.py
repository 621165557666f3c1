"""The two computed entity sets: IKM per layanan and month, and indicators per year.

RingkasanIkm lists the (layanan, month) pairs of the trigger-kept skm_summary table (never the raw
responses); the figures of each page of rows then come from `app.skm.summary.ikm_by_layanan_periods`,
the very function the IKM report uses, so a score here equals the report's for that layanan and
month. Indikator lists (indicator, year) pairs — every year with a target or a manual value, and
the current year — and each row's realisasi, target and capaian come from
`app.indicators.compute.compute`, as on /indikator. Computed properties can be selected but not
filtered or ordered on: they exist only after the page is read.
"""
from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import case, func, literal, select, union

from app.core.periods import parse_period
from app.core.scoping import scope_clause
from app.extensions import db
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, Layanan, SkmSummary, Unit, User
from app.models.skm import UNSUR_COLUMNS
from app.odata.model import EntitySet, Prop

ANALYSTS = ("analyst", "admin")


def _number(value) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


# ---- IKM per layanan and month ------------------------------------------------------------------

def _ikm_source(user: User):
    s = SkmSummary
    grouped = (select(s.layanan_id.label("layanan_id"), s.period.label("period"), func.sum(s.n).label("n"),
                      func.sum(case((s.flagged.is_(True), s.n), else_=0)).label("n_ditandai"))
               .where(s.layanan_id.in_(select(Layanan.id).where(scope_clause(Layanan, user))))
               .group_by(s.layanan_id, s.period)
               .having(func.sum(s.n) > 0)
               .subquery("ringkasan_bulan"))
    return (select(grouped.c.layanan_id, grouped.c.period, Layanan.name.label("layanan_nama"),
                   Layanan.unit_id.label("unit_id"), Unit.code.label("unit_kode"), grouped.c.n, grouped.c.n_ditandai)
            .join(Layanan, Layanan.id == grouped.c.layanan_id).join(Unit, Unit.id == Layanan.unit_id)
            .subquery("ringkasan_ikm"))


def _interval(result) -> tuple[float | None, float | None]:
    try:
        low, high = result.confidence_interval()
    except ValueError:  # fewer than two respondents: no interval
        return None, None
    return _number(low), _number(high)


def _ikm_values(result, prefix: str = "") -> dict:
    if result is None:
        return {f"{prefix}ikm": None, f"{prefix}mutu": None, f"{prefix}kinerja": None,
                f"{prefix}ikm_bawah": None, f"{prefix}ikm_atas": None}
    low, high = _interval(result)
    return {f"{prefix}ikm": result.score_display, f"{prefix}mutu": result.grade,
            f"{prefix}kinerja": result.performance, f"{prefix}ikm_bawah": low, f"{prefix}ikm_atas": high}


def _ikm_finish(rows) -> list[dict]:
    from app.skm.summary import ikm_by_layanan_periods

    periods = {row.period: parse_period(row.period) for row in rows}
    ids = sorted({row.layanan_id for row in rows})
    every = ikm_by_layanan_periods(ids, list(periods.values()))
    clean = ikm_by_layanan_periods(ids, list(periods.values()), exclude_flagged=True)
    out = []
    for row in rows:
        period = periods[row.period]
        result = every[period].get(row.layanan_id)
        values = {**_ikm_values(result), **_ikm_values(clean[period].get(row.layanan_id), "tanpa_ditandai_")}
        for name in UNSUR_COLUMNS:
            values[f"nrr_{name}"] = _number(result.nrr.get(name.upper())) if result is not None else None
        out.append(values)
    return out


def _ikm_props(prefix: str, what: str) -> tuple[Prop, ...]:
    return (Prop(f"{prefix}ikm", "Edm.Decimal", computed=True, description=f"Nilai IKM (2 desimal), {what}"),
            Prop(f"{prefix}mutu", "Edm.String", computed=True, description=f"Mutu pelayanan (A-D), {what}"),
            Prop(f"{prefix}kinerja", "Edm.String", computed=True, description=f"Kinerja unit pelayanan, {what}"),
            Prop(f"{prefix}ikm_bawah", "Edm.Double", computed=True,
                 description=f"Batas bawah interval 95% (linearisasi, tanpa koreksi populasi), {what}"),
            Prop(f"{prefix}ikm_atas", "Edm.Double", computed=True,
                 description=f"Batas atas interval 95% (linearisasi, tanpa koreksi populasi), {what}"))


IKM_SUMMARIES = EntitySet(
    name="RingkasanIkm", description="IKM per layanan per bulan, dari tabel ringkasan", roles=ANALYSTS,
    source=_ikm_source, finish=_ikm_finish,
    props=(
        Prop("layanan_id", "Edm.Int32", nullable=False, key=True),
        Prop("period", "Edm.String", nullable=False, key=True, description="Bulan (YYYY-MM)"),
        Prop("layanan_nama", "Edm.String", nullable=False),
        Prop("unit_id", "Edm.Int32", nullable=False), Prop("unit_kode", "Edm.String", nullable=False),
        Prop("n", "Edm.Int64", nullable=False, description="Jumlah responden"),
        Prop("n_ditandai", "Edm.Int64", nullable=False, description="Responden dengan penanda mutu data"),
        *_ikm_props("", "semua responden"),
        *_ikm_props("tanpa_ditandai_", "tanpa responden yang ditandai"),
        *(Prop(f"nrr_{name}", "Edm.Double", computed=True, description=f"Nilai rata-rata unsur {name.upper()}")
          for name in UNSUR_COLUMNS),
    ))


# ---- indicators per year ------------------------------------------------------------------------

def _indicator_source(user: User):
    this_year = datetime.now(UTC).year
    years = union(select(IndicatorTarget.indicator_id.label("indicator_id"), IndicatorTarget.year.label("tahun")),
                  select(IndicatorManualValue.indicator_id, IndicatorManualValue.year),
                  select(Indicator.id, literal(this_year))).subquery("tahun_indikator")
    return (select(Indicator.id.label("id"), years.c.tahun.label("tahun"), Indicator.unit_id.label("unit_id"),
                   Unit.code.label("unit_kode"), Indicator.code.label("kode"), Indicator.name.label("nama"),
                   Indicator.kind.label("jenis"), Indicator.source.label("sumber"),
                   Indicator.polarity.label("polaritas"))
            .join(years, years.c.indicator_id == Indicator.id).join(Unit, Unit.id == Indicator.unit_id)
            .where(Indicator.active.is_(True), scope_clause(Indicator, user))
            .subquery("indikator"))


def _indicator_finish(rows) -> list[dict]:
    from app.indicators.compute import compute

    out = []
    for row in rows:
        r = compute(db.session.get(Indicator, row.id), int(row.tahun))
        low, high = (r.ci if r.ci is not None else (None, None))
        out.append({"realisasi": _number(r.value), "n_berhasil": r.n, "n_sampel": r.t, "populasi": r.population,
                    "realisasi_bawah": _number(low), "realisasi_atas": _number(high), "metode": r.method or None,
                    "target": None if r.target is None else _number(r.target.value),
                    "revisi_target": None if r.target is None else r.target.revision,
                    "capaian": _number(r.capaian), "catatan": " ".join(r.flags) or None})
    return out


INDICATORS = EntitySet(
    name="Indikator", description="Indikator kinerja per tahun: realisasi, target dan capaian", roles=ANALYSTS,
    source=_indicator_source, finish=_indicator_finish, page_size=200,
    props=(
        Prop("id", "Edm.Int32", nullable=False, key=True),
        Prop("tahun", "Edm.Int32", nullable=False, key=True),
        Prop("unit_id", "Edm.Int32", nullable=False), Prop("unit_kode", "Edm.String", nullable=False),
        Prop("kode", "Edm.String", nullable=False), Prop("nama", "Edm.String", nullable=False),
        Prop("jenis", "Edm.String", nullable=False, description="percentage atau index"),
        Prop("sumber", "Edm.String", nullable=False), Prop("polaritas", "Edm.String", nullable=False),
        Prop("realisasi", "Edm.Double", computed=True), Prop("n_berhasil", "Edm.Int64", computed=True),
        Prop("n_sampel", "Edm.Int64", computed=True), Prop("populasi", "Edm.Int64", computed=True),
        Prop("realisasi_bawah", "Edm.Double", computed=True, description="Batas bawah interval"),
        Prop("realisasi_atas", "Edm.Double", computed=True, description="Batas atas interval"),
        Prop("metode", "Edm.String", computed=True),
        Prop("target", "Edm.Double", computed=True), Prop("revisi_target", "Edm.String", computed=True),
        Prop("capaian", "Edm.Double", computed=True, description="Capaian terhadap target (%)"),
        Prop("catatan", "Edm.String", computed=True),
    ))
