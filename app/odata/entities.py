"""The five entity sets of the feed, each scoped exactly as its page and /api/v1 list.

Every source starts from `app.core.scoping.scope_clause` for its model (the same clause the
pages, the IKM report and /api/v1 use), so a sibling unit's rows are outside the subquery
before any `$filter`, `$orderby` or `$count` is applied to it. Property names follow /api/v1
where the same field exists there.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core.nik import masked
from app.core.scoping import scope_clause
from app.models import IncomeSample, Kpm, Layanan, PendampingCheck, SkmResponse, Unit, User
from app.models.skm import UNSUR_COLUMNS
from app.odata import summaries
from app.odata.model import EntitySet, Prop
from app.skm.summary import any_flag

ANALYSTS = ("analyst", "admin")
EVERYONE = ("monitor", "analyst", "admin")


def _unit_props() -> tuple[Prop, ...]:
    return (Prop("unit_id", "Edm.Int32", nullable=False, description="Id unit"),
            Prop("unit_kode", "Edm.String", nullable=False, description="Kode unit"))


# ---- SKM responses ----------------------------------------------------------------------------

def _responses(user: User):
    r = SkmResponse
    return (select(r.id.label("id"), r.instance_id.label("instance_id"), r.layanan_id.label("layanan_id"),
                   Layanan.name.label("layanan_nama"), Layanan.unit_id.label("unit_id"), Unit.code.label("unit_kode"),
                   r.submitted_at.label("submitted_at"), r.period.label("period"), r.channel.label("channel"),
                   *(getattr(r, name).label(name) for name in UNSUR_COLUMNS),
                   r.jenis_kelamin.label("jenis_kelamin"), r.usia.label("usia"), r.pendidikan.label("pendidikan"),
                   r.pekerjaan.label("pekerjaan"), r.respondent_category_id.label("respondent_category_id"),
                   r.service_date.label("service_date"), r.kritik_saran.label("kritik_saran"),
                   r.duration_seconds.label("duration_seconds"), r.flag_straightline.label("flag_straightline"),
                   r.flag_too_fast.label("flag_too_fast"), r.flag_repeat_device.label("flag_repeat_device"),
                   r.flag_stamp_reused.label("flag_stamp_reused"), any_flag().label("flagged"),
                   Unit.timezone.label("_tz"))
            .join(Layanan, Layanan.id == r.layanan_id).join(Unit, Unit.id == Layanan.unit_id)
            .where(scope_clause(SkmResponse, user))
            .subquery("jawaban"))


RESPONSES = EntitySet(
    name="JawabanSkm", description="Jawaban SKM dalam cakupan, dengan penandanya", roles=ANALYSTS,
    source=_responses,
    props=(
        Prop("id", "Edm.Int64", nullable=False, key=True),
        Prop("instance_id", "Edm.Guid", nullable=False),
        Prop("layanan_id", "Edm.Int32", nullable=False),
        Prop("layanan_nama", "Edm.String", nullable=False),
        *_unit_props(),
        Prop("submitted_at", "Edm.DateTimeOffset", nullable=False, description="Waktu kirim, zona waktu unit"),
        Prop("period", "Edm.String", nullable=False, description="Bulan (YYYY-MM)"),
        Prop("channel", "Edm.String", nullable=False),
        *(Prop(name, "Edm.Int16", description=f"Jawaban unsur {name.upper()} (1-4)") for name in UNSUR_COLUMNS),
        Prop("jenis_kelamin", "Edm.String"), Prop("usia", "Edm.Int16"), Prop("pendidikan", "Edm.String"),
        Prop("pekerjaan", "Edm.String"), Prop("respondent_category_id", "Edm.Int32"),
        Prop("service_date", "Edm.Date"), Prop("kritik_saran", "Edm.String"), Prop("duration_seconds", "Edm.Int32"),
        Prop("flag_straightline", "Edm.Boolean", nullable=False), Prop("flag_too_fast", "Edm.Boolean", nullable=False),
        Prop("flag_repeat_device", "Edm.Boolean", nullable=False),
        Prop("flag_stamp_reused", "Edm.Boolean", nullable=False),
        Prop("flagged", "Edm.Boolean", nullable=False, description="Ada penanda mutu data apa pun"),
    ))


# ---- pendamping checks ------------------------------------------------------------------------

def _checks(user: User):
    c = PendampingCheck
    return (select(c.id.label("id"), c.instance_id.label("instance_id"), c.pendamping_id.label("pendamping_id"),
                   c.type_id.label("type_id"), c.unit_id.label("unit_id"), Unit.code.label("unit_kode"),
                   c.region_id.label("region_id"), c.monitor_id.label("monitor_id"), c.period.label("period"),
                   c.period_start.label("period_start"), c.period_end.label("period_end"),
                   c.visit_date.label("visit_date"), c.method.label("method"), c.optimal.label("optimal"),
                   c.gps_warning.label("gps_warning"), c.status.label("status"), c.created_at.label("created_at"),
                   c.updated_at.label("updated_at"), Unit.timezone.label("_tz"))
            .join(Unit, Unit.id == c.unit_id)
            .where(scope_clause(PendampingCheck, user))
            .subquery("pemeriksaan"))


CHECKS = EntitySet(
    name="PemeriksaanPendamping", description="Pemeriksaan pendamping dalam cakupan", roles=EVERYONE,
    source=_checks,
    props=(
        Prop("id", "Edm.Int64", nullable=False, key=True),
        Prop("instance_id", "Edm.Guid", nullable=False),
        Prop("pendamping_id", "Edm.Int32", nullable=False), Prop("type_id", "Edm.Int32", nullable=False),
        *_unit_props(),
        Prop("region_id", "Edm.Int32", nullable=False), Prop("monitor_id", "Edm.Int32"),
        Prop("period", "Edm.String", nullable=False, description="Kode periode: 2025, 2025-S1, 2025-Q1, 2025-03"),
        Prop("period_start", "Edm.String", nullable=False), Prop("period_end", "Edm.String", nullable=False),
        Prop("visit_date", "Edm.Date", nullable=False), Prop("method", "Edm.String", nullable=False),
        Prop("optimal", "Edm.Boolean", nullable=False), Prop("gps_warning", "Edm.Boolean", nullable=False),
        Prop("status", "Edm.String", nullable=False),
        Prop("created_at", "Edm.DateTimeOffset", nullable=False),
        Prop("updated_at", "Edm.DateTimeOffset", nullable=False),
    ))


# ---- income samples -----------------------------------------------------------------------------

def _incomes(user: User):
    s = IncomeSample
    return (select(s.id.label("id"), s.instance_id.label("instance_id"), s.unit_id.label("unit_id"),
                   Unit.code.label("unit_kode"), s.region_id.label("region_id"), s.monitor_id.label("monitor_id"),
                   s.program_id.label("program_id"), s.period.label("period"), s.cohort_year.label("cohort_year"),
                   s.intervention_date.label("intervention_date"), s.monitoring_date.label("monitoring_date"),
                   s.household_size.label("household_size"), s.measure.label("measure"),
                   s.income_before.label("income_before"), s.income_after.label("income_after"),
                   s.business_status.label("business_status"), s.eligible.label("eligible"),
                   s.increased.label("increased"), s.status.label("status"), s.created_at.label("created_at"),
                   s.updated_at.label("updated_at"), Kpm.nik_last4.label("_nik_last4"), Unit.timezone.label("_tz"))
            .join(Unit, Unit.id == s.unit_id).join(Kpm, Kpm.id == s.kpm_id)
            .where(scope_clause(IncomeSample, user))
            .subquery("pendapatan"))


def _masked_nik(rows) -> list[dict]:
    """Only the last four digits ever leave the database, masked as on the pages and in /api/v1."""
    return [{"nik": masked(row._nik_last4)} for row in rows]


INCOMES = EntitySet(
    name="SampelPendapatan", description="Sampel pendapatan KPM dalam cakupan; NIK hanya tersamar", roles=EVERYONE,
    source=_incomes, finish=_masked_nik,
    props=(
        Prop("id", "Edm.Int64", nullable=False, key=True),
        Prop("instance_id", "Edm.Guid", nullable=False),
        Prop("nik", "Edm.String", nullable=False, computed=True, description="NIK tersamar (4 digit terakhir)"),
        *_unit_props(),
        Prop("region_id", "Edm.Int32", nullable=False), Prop("monitor_id", "Edm.Int32"),
        Prop("program_id", "Edm.Int32", nullable=False),
        Prop("period", "Edm.String", nullable=False, description="Bulan pemantauan (YYYY-MM)"),
        Prop("cohort_year", "Edm.Int16", nullable=False),
        Prop("intervention_date", "Edm.Date", nullable=False), Prop("monitoring_date", "Edm.Date", nullable=False),
        Prop("household_size", "Edm.Int16", nullable=False), Prop("measure", "Edm.String", nullable=False),
        Prop("income_before", "Edm.Int64", nullable=False, description="Rupiah per bulan"),
        Prop("income_after", "Edm.Int64", nullable=False, description="Rupiah per bulan"),
        Prop("business_status", "Edm.String", nullable=False),
        Prop("eligible", "Edm.Boolean", nullable=False), Prop("increased", "Edm.Boolean", nullable=False),
        Prop("status", "Edm.String", nullable=False),
        Prop("created_at", "Edm.DateTimeOffset", nullable=False),
        Prop("updated_at", "Edm.DateTimeOffset", nullable=False),
    ))


ENTITY_SETS: dict[str, EntitySet] = {s.name: s for s in (
    RESPONSES, summaries.IKM_SUMMARIES, summaries.INDICATORS, CHECKS, INCOMES)}
