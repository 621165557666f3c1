"""Marshmallow schemas of /api/v1: they validate query strings and bodies (a bad value is a 422
problem) and are what flask-smorest turns into the OpenAPI document."""
from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate

from app.api.reads import DEFAULT_LIMIT, MAX_LIMIT
from app.core.parsing import MAX_INT  # ids of units, layanan, regions…: PostgreSQL `integer`


class UtcDateTime(fields.DateTime):
    """An ISO date-time between the years 2000 and 2100, given back as naive UTC like the stored
    timestamps (an offset is applied; a value without one is taken as UTC)."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= parsed.year <= 2100:  # before converting: year 1 at +14:00 would overflow
            raise ValidationError("Waktu harus antara tahun 2000 dan 2100.")
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed


class PageQuery(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=40),
                           metadata={"description": "Kursor dari `next` halaman sebelumnya."})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))


class ResponsesQuery(PageQuery):
    layanan_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT))
    unit_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT),
                             metadata={"description": "Unit beserta subunitnya."})
    period = fields.String(load_default=None, validate=validate.Length(max=10),
                           metadata={"description": "2025, 2025-S1, 2025-Q1 atau 2025-03."})
    updated_since = UtcDateTime(load_default=None, metadata={
        "description": "Waktu UTC; disaring pada submitted_at (jawaban tidak pernah diubah)."})


class ReportQuery(Schema):
    unit_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT))
    layanan_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT))
    period = fields.String(required=True, validate=validate.Length(max=10))
    exclude_flagged = fields.Boolean(load_default=False)


class Page(Schema):
    items = fields.List(fields.Dict())
    next = fields.String(allow_none=True)


class SkmResponseIn(Schema):
    instance_id = fields.UUID(required=True)
    layanan_id = fields.Integer(required=True, validate=validate.Range(1, MAX_INT))
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=4)),
                          values=fields.Integer(allow_none=True, validate=validate.Range(1, 4)), required=True)
    jenis_kelamin = fields.String(load_default=None, validate=validate.Length(max=2))
    usia = fields.Integer(load_default=None, validate=validate.Range(0, 200))
    pendidikan = fields.String(load_default=None, validate=validate.Length(max=20))
    pekerjaan = fields.String(load_default=None, validate=validate.Length(max=30))
    respondent_category_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT))
    service_date = fields.Date(load_default=None)
    kritik_saran = fields.String(load_default=None, validate=validate.Length(max=5000))
    duration_seconds = fields.Integer(load_default=None, validate=validate.Range(0, 86400),
                                      metadata={"description": "Lama pengisian di kios; tanpa nilai ini "
                                                "jawaban ditandai terlalu cepat."})


class CheckIn(Schema):
    instance_id = fields.UUID(required=True)
    pendamping_id = fields.Integer(required=True, validate=validate.Range(1, MAX_INT))
    period = fields.String(required=True, validate=validate.Length(max=10))
    visit_date = fields.Date(required=True)
    method = fields.String(required=True, validate=validate.Length(max=12))
    checklist_version_id = fields.Integer(required=True, validate=validate.Range(1, MAX_INT))
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), values=fields.Boolean(),
                          required=True, metadata={"description": "Kode kriteria -> terpenuhi (true/false)."})
    latitude = fields.Float(load_default=None, allow_nan=False, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, allow_nan=False, validate=validate.Range(-180, 180))
    gps_accuracy_m = fields.Float(load_default=None, allow_nan=False, validate=validate.Range(0, 1e6))
    notes = fields.String(load_default=None, validate=validate.Length(max=2000))


class IncomeSampleIn(Schema):
    instance_id = fields.UUID(required=True)
    nik = fields.String(required=True, validate=validate.Length(max=40))
    program_id = fields.Integer(required=True, validate=validate.Range(1, MAX_INT))
    region_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT),
                               metadata={"description": "Kab/kota; kosong: dari kode wilayah NIK."})
    cohort_year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    intervention_date = fields.Date(required=True)
    monitoring_date = fields.Date(required=True)
    household_size = fields.Integer(required=True, validate=validate.Range(1, 50))
    measure = fields.String(required=True, validate=validate.Length(max=20))
    income_before = fields.Integer(required=True, validate=validate.Range(0, 10**12))
    income_after = fields.Integer(required=True, validate=validate.Range(0, 10**12))
    business_status = fields.String(required=True, validate=validate.Length(max=10))
    notes = fields.String(load_default=None, validate=validate.Length(max=2000))
    confirm_large = fields.Boolean(load_default=False)


class Problem(Schema):
    """RFC 9457 problem details (application/problem+json); `detail` is Indonesian."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "Pesan per isian, bila ada."})


# ---- indicators and reference data (reads) ------------------------------------------------------------

class IndicatorQuery(PageQuery):
    year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100),
                          metadata={"description": "Tahun realisasi (indikator bersifat tahunan); "
                                                   "kosong: tahun berjalan, seperti halaman indikator."})
    unit_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT),
                             metadata={"description": "Unit beserta subunitnya (di dalam cakupan token)."})


class IndicatorDetailQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100),
                          metadata={"description": "Tahun realisasi; kosong: tahun berjalan."})
    revision = fields.String(load_default=None, validate=validate.Length(max=60),
                             metadata={"description": "Revisi target yang dipakai (mis. PK Januari); "
                                                      "kosong: revisi terakhir yang berlaku."})


def _interval(description: str):
    return fields.List(fields.Float(), allow_none=True, validate=validate.Length(equal=2),
                       metadata={"description": description})


class Target(Schema):
    value = fields.Float()
    revision = fields.String()
    effective_date = fields.String(metadata={"format": "date", "description": "Berlaku sejak (ISO)."})


class Alternative(Schema):
    label = fields.String()
    value = fields.Float(allow_none=True)
    ci = _interval("Interval 95% nilai ini sendiri [bawah, atas]; null bila tidak ada.")


class IndicatorPart(Schema):
    label = fields.String()
    value = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    t = fields.Integer(allow_none=True)
    population = fields.Integer(allow_none=True)
    ci = _interval("Interval 95% bagian ini [bawah, atas].")


class IndicatorRealisasi(Schema):
    """The figures of the indicator page and of `report indicators` (app.indicators.compute)."""

    id = fields.Integer()
    unit_id = fields.Integer()
    unit = fields.String(metadata={"description": "Kode unit."})
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "percentage atau index."})
    polarity = fields.String(metadata={"description": "positive (makin tinggi makin baik) atau negative."})
    source = fields.String(metadata={"description": "skm, pendamping, income, aggregate atau manual."})
    year = fields.Integer()
    method = fields.String()
    value = fields.Float(allow_none=True, metadata={"description": "Realisasi (persen 0-100 atau skor indeks), "
                                                                   "tidak dibulatkan."})
    n = fields.Integer(allow_none=True, metadata={"description": "Jumlah yang memenuhi (atau responden SKM)."})
    t = fields.Integer(allow_none=True, metadata={"description": "Jumlah sampel."})
    population = fields.Integer(allow_none=True, metadata={"description": "Populasi N."})
    sample_share = fields.Float(allow_none=True, metadata={"description": "t/N dalam persen."})
    ci = _interval("Interval 95% realisasi `value` [bawah, atas], skala yang sama.")
    ci_method = fields.String(metadata={"description": "Metode interval `ci`."})
    target = fields.Nested(Target, allow_none=True)
    capaian = fields.Float(allow_none=True, metadata={"description": "Capaian terhadap target, persen."})
    flags = fields.List(fields.String())
    excluded = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "Rekaman yang dikecualikan, per alasan."})
    alternatives = fields.List(fields.Nested(Alternative),
                               metadata={"description": "Nilai lain (mis. gabungan/pooled), masing-masing "
                                                        "dengan intervalnya sendiri."})
    explanations = fields.List(fields.String())
    income_panel = fields.Dict(allow_none=True, metadata={
        "description": "Indikator pendapatan: perubahan pendapatan dan perpindahan terhadap garis kemiskinan."})
    parts = fields.List(fields.Nested(IndicatorPart))
    note = fields.String(allow_none=True)


class IndicatorPage(Schema):
    items = fields.List(fields.Nested(IndicatorRealisasi))
    next = fields.String(allow_none=True)


class ChecklistQuery(PageQuery):
    type = fields.String(load_default=None, validate=validate.Length(max=40),
                         metadata={"description": "Kode jenis pendamping, mis. PKH."})
    active = fields.Boolean(load_default=None, metadata={
        "description": "true: hanya versi yang berlaku (satu per jenis); false: hanya versi lama."})


class Criterion(Schema):
    code = fields.String(metadata={"description": "Kunci di `answers` pemeriksaan."})
    text = fields.String()
    mandatory = fields.Boolean(metadata={"description": "Wajib dipenuhi untuk hasil optimal."})


class Checklist(Schema):
    id = fields.Integer(metadata={"description": "`checklist_version_id` pada POST pemeriksaan."})
    type_id = fields.Integer()
    type_code = fields.String()
    version = fields.Integer()
    active = fields.Boolean(metadata={"description": "Versi yang berlaku; versi lama ditolak pada POST."})
    criteria = fields.List(fields.Nested(Criterion))


class ChecklistPage(Schema):
    items = fields.List(fields.Nested(Checklist))
    next = fields.String(allow_none=True)


class PendampingType(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    active = fields.Boolean()
    checklist_version_id = fields.Integer(allow_none=True, metadata={
        "description": "Versi daftar periksa yang berlaku untuk jenis ini."})


class PendampingTypeList(Schema):
    """Small national list: all rows at once, no paging (no `next`)."""

    items = fields.List(fields.Nested(PendampingType))


class Program(Schema):
    id = fields.Integer(metadata={"description": "`program_id` pada POST sampel pendapatan."})
    code = fields.String()
    name = fields.String()
    active = fields.Boolean()


class ProgramList(Schema):
    """Small national list: all rows at once, no paging (no `next`)."""

    items = fields.List(fields.Nested(Program))


class PovertyLineQuery(PageQuery):
    province_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_INT),
                                 metadata={"description": "Id wilayah provinsi."})


class PovertyLine(Schema):
    id = fields.Integer()
    province_id = fields.Integer()
    province_code = fields.String()
    province_name = fields.String()
    period = fields.String(metadata={"description": "YYYY-MM sejak garis ini berlaku."})
    extreme_line = fields.Integer(metadata={"description": "Garis kemiskinan ekstrem, Rupiah per kapita per bulan."})
    poverty_line = fields.Integer(metadata={"description": "Garis kemiskinan, Rupiah per kapita per bulan."})
    is_demo = fields.Boolean()
    source = fields.String()


class PovertyLinePage(Schema):
    items = fields.List(fields.Nested(PovertyLine))
    next = fields.String(allow_none=True)


class PendampingQuery(PageQuery):
    type = fields.String(load_default=None, validate=validate.Length(max=40),
                         metadata={"description": "Kode jenis pendamping, mis. PKH."})
    status = fields.String(load_default=None, validate=validate.OneOf(("aktif", "berhenti")))


class Pendamping(Schema):
    id = fields.Integer(metadata={"description": "`pendamping_id` pada POST pemeriksaan."})
    identifier = fields.String()
    name = fields.String()
    type_id = fields.Integer()
    type_code = fields.String()
    unit_id = fields.Integer()
    region_id = fields.Integer()
    kecamatan_id = fields.Integer(allow_none=True)
    status = fields.String()


class PendampingPage(Schema):
    items = fields.List(fields.Nested(Pendamping))
    next = fields.String(allow_none=True)
