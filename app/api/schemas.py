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
