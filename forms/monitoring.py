"""Field-monitoring forms. Choice lists (pendamping, kab/kota, programmes) are
filled by the views from scoped queries, so a posted id outside the monitor's
scope fails validation. Checklist answers are read per criterion by the view,
because the criteria depend on the checklist version."""
from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.models.kpm import BUSINESS_STATUS, INCOME_MEASURES
from app.models.pendamping import CHECK_METHODS
from forms.fields import FiniteFloatField, IntField, IsoDateField, RupiahField, coerce_id

REQUIRED = "Wajib diisi."
DATE_MSG = "Tanggal tidak valid."
NUMBER_MSG = "Harus berupa angka."


def _uuid(form, field):
    try:
        uuid.UUID(str(field.data or ""))
    except ValueError:
        raise ValidationError("Formulir tidak lengkap (instance_id). Muat ulang halaman.") from None


class PendampingCheckForm(FlaskForm):
    instance_id = HiddenField(validators=[_uuid])
    checklist_version_id = HiddenField()
    pendamping_id = SelectField("Pendamping", coerce=coerce_id, validate_choice=True,
                                validators=[DataRequired("Pilih pendamping.")])
    period = StringField("Periode", validators=[DataRequired(REQUIRED), Length(max=7)])
    visit_date = IsoDateField("Tanggal monitoring", validators=[DataRequired(DATE_MSG)])
    method = SelectField("Metode", choices=[SelectChoice(k, v) for k, v in CHECK_METHODS.items()])
    latitude = FiniteFloatField("Lintang (GPS)",
                                validators=[Optional(), NumberRange(-90, 90, "Lintang -90 sampai 90.")])
    longitude = FiniteFloatField("Bujur (GPS)",
                                 validators=[Optional(), NumberRange(-180, 180, "Bujur -180 sampai 180.")])
    gps_accuracy_m = FiniteFloatField("Akurasi GPS (meter)",
                                      validators=[Optional(), NumberRange(0, 1_000_000, "Akurasi tidak valid.")])
    notes = TextAreaField("Catatan", validators=[Optional(), Length(max=2000)])


class IncomeSampleForm(FlaskForm):
    instance_id = HiddenField(validators=[_uuid])
    nik = StringField("NIK KPM (16 digit)", validators=[Optional(), Length(max=30)],
                      render_kw={"inputmode": "numeric", "pattern": "[0-9 ]*", "autocomplete": "off",
                                 "data-nik-region": ""})
    program_id = SelectField("Program", coerce=coerce_id)
    cohort_year = IntField("Tahun kohort", validators=[InputRequired(REQUIRED), NumberRange(2000, 2100,
                                                                                               "Tahun tidak valid.")])
    intervention_date = IsoDateField("Tanggal intervensi", validators=[DataRequired(DATE_MSG)])
    monitoring_date = IsoDateField("Tanggal monitoring", validators=[DataRequired(DATE_MSG)])
    region_id = SelectField("Kabupaten/kota", coerce=coerce_id)
    household_size = IntField("Jumlah anggota rumah tangga",
                                  validators=[InputRequired(REQUIRED), NumberRange(1, 50, "Antara 1 dan 50.")])
    measure = SelectField("Ukuran pendapatan", choices=[SelectChoice(k, v) for k, v in INCOME_MEASURES.items()])
    income_before = RupiahField("Pendapatan sebelum (Rp/bulan)", validators=[InputRequired(REQUIRED)],
                                description="Boleh dengan titik ribuan, mis. 2.500.000.")
    income_after = RupiahField("Pendapatan sesudah (Rp/bulan)", validators=[InputRequired(REQUIRED)])
    confirm_large = BooleanField("Saya sudah memeriksa: angka pendapatan di atas batas wajar ini benar")
    business_status = SelectField("Status usaha", choices=[SelectChoice(k, v) for k, v in BUSINESS_STATUS.items()])
    notes = TextAreaField("Catatan", validators=[Optional(), Length(max=2000)])


class RejectForm(FlaskForm):
    reason = TextAreaField("Alasan penolakan", validators=[DataRequired("Alasan wajib diisi."), Length(max=1000)])


class ImportForm(FlaskForm):
    kind = SelectField("Data", choices=[
        SelectChoice("pendamping", "Registri pendamping"),
        SelectChoice("income", "Sampel pendapatan KPM (data lama)"),
        SelectChoice("poverty", "Garis kemiskinan per provinsi"),
        SelectChoice("umk", "UMK per kab/kota"),
    ])
    file = FileField("Berkas CSV atau XLSX")
    valid_only = BooleanField("Impor baris valid saja (baris bermasalah dilewati)")


class NamedCodeForm(FlaskForm):
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=40)],
                       filters=[lambda v: v.strip().upper() if v else v])
    name = StringField("Nama", validators=[DataRequired(REQUIRED), Length(max=200)])


class ChecklistForm(FlaskForm):
    criteria = TextAreaField("Kriteria (satu per baris: KODE | teks | wajib/opsional)",
                             validators=[DataRequired(REQUIRED), Length(max=10000)])
