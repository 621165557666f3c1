"""Indicator catalogue, target revisions, manual values and the consistency check.

Choice lists (unit, layanan, sub-indicators) are filled by the view from
scoped queries, so nothing outside the user's subtree can be linked.
"""
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.models.indicator import AGGREGATE_METHODS, CI_METHODS, KINDS, POLARITIES, SOURCES
from forms.fields import DecimalNumberField, IdMultipleField, IdSelectField, IntField, IsoDateField

REQUIRED = "Wajib diisi."
NUMBER = "Isi angka, mis. 89.19."
NON_NEGATIVE = NumberRange(min=0, message="Tidak boleh negatif.")
POOLED_LINE = re.compile(r"^[ \t]*([0-9]{1,12})[ \t]*/[ \t]*([0-9]{1,12})[ \t]*$")
MAX_POOLED_LINES = 200


def _positive(_form, field) -> None:
    if field.data is not None and not field.data.is_finite():
        raise ValidationError(NUMBER)
    if field.data is not None and field.data <= 0:
        raise ValidationError("Target harus lebih besar dari nol; capaian tidak dapat dihitung terhadap target ≤ 0.")


def parse_pooled(text: str | None) -> list[tuple[int, int]]:
    """'pembilang/penyebut' per line (ASCII digits) -> pairs; ValueError with an Indonesian message."""
    pairs = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_POOLED_LINES:
        raise ValueError(f"Paling banyak {MAX_POOLED_LINES} baris.")
    for i, line in enumerate(lines, start=1):
        match = POOLED_LINE.match(line)
        if not match:
            raise ValueError(f"Baris {i}: tulis pembilang/penyebut dengan angka bulat, mis. 25/52.")
        pairs.append((int(match.group(1)), int(match.group(2))))
    return pairs


def _pooled_lines(_form, field) -> None:
    try:
        parse_pooled(field.data)
    except ValueError as err:
        raise ValidationError(str(err)) from None
CODE_RE = Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
                 message="Gunakan huruf, angka, titik, garis bawah atau tanda hubung.")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class IndicatorForm(FlaskForm):
    unit_id = IdSelectField("Unit", validators=[InputRequired("Pilih unit.")])
    code = StringField("Kode (unik dalam unit)", validators=[DataRequired(REQUIRED), Length(max=40), CODE_RE],
                       filters=[lambda v: v.strip() if v else v])
    name = StringField("Nama indikator", validators=[DataRequired(REQUIRED), Length(max=500)])
    kind = SelectField("Jenis", choices=_choices(KINDS.items()))
    polarity = SelectField("Polaritas", choices=_choices(POLARITIES.items()))
    source = SelectField("Sumber", choices=_choices(SOURCES.items()))
    ci_method = SelectField("Metode interval", choices=_choices((m, m) for m in CI_METHODS), default="wilson")
    use_fpc = BooleanField("Pakai koreksi populasi terbatas bila N diketahui", default=True)
    layanan = IdMultipleField("Layanan (sumber SKM)", validators=[Optional()])
    pendamping_type = StringField("Jenis pendamping (kode; kosong = semua jenis)",
                                  validators=[Optional(), Length(max=40)])
    income_program = StringField("Program KPM (kode, mis. PENA)", validators=[Optional(), Length(max=40)])
    income_measure = StringField("Ukuran pendapatan (kode)", validators=[Optional(), Length(max=20)])
    aggregate_method = SelectField("Cara agregasi", choices=_choices(AGGREGATE_METHODS.items()), default="mean")
    components = IdMultipleField("Sub-indikator", validators=[Optional()])
    description = TextAreaField("Keterangan", validators=[Optional(), Length(max=4000)])
    active = BooleanField("Aktif", default=True)

    def validate(self, extra_validators=None) -> bool:
        # Optional() ends the field chains early, so the cross-field rules live here.
        ok = super().validate(extra_validators)
        if self.source.data == "skm" and not self.layanan.data:
            self.layanan.errors = [*self.layanan.errors, "Indikator bersumber SKM perlu minimal satu layanan."]
            ok = False
        if self.source.data == "aggregate" and not self.components.data:
            self.components.errors = [*self.components.errors, "Indikator agregat perlu minimal satu sub-indikator."]
            ok = False
        return ok


class TargetForm(FlaskForm):
    year = IntField("Tahun", validators=[InputRequired(REQUIRED), NumberRange(2000, 2100, "Tahun 2000-2100.")])
    revision = StringField("Revisi (mis. PK Januari, PK Agustus)", validators=[DataRequired(REQUIRED), Length(max=60)])
    effective_date = IsoDateField("Berlaku sejak", validators=[InputRequired("Isi tanggal (YYYY-MM-DD).")])
    value = DecimalNumberField("Target", validators=[InputRequired(NUMBER), _positive])
    note = TextAreaField("Catatan", validators=[Optional(), Length(max=1000)])


class ManualValueForm(FlaskForm):
    year = IntField("Tahun", validators=[InputRequired(REQUIRED), NumberRange(2000, 2100, "Tahun 2000-2100.")])
    value = DecimalNumberField("Realisasi (bila tanpa n/t)", validators=[Optional()])
    n = IntField("n (memenuhi kriteria)", validators=[Optional(), NON_NEGATIVE])
    t = IntField("t (jumlah sampel)", validators=[Optional(), NumberRange(min=1, message="Minimal 1.")])
    population = IntField("Populasi N", validators=[Optional(), NumberRange(min=1, message="Minimal 1.")])
    note = TextAreaField("Catatan sumber (wajib)", validators=[DataRequired(REQUIRED), Length(max=4000)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        if (self.n.data is None) != (self.t.data is None):
            self.t.errors.append("Isi n dan t bersama-sama.")
            return False
        if self.n.data is not None and self.n.data > self.t.data:
            self.n.errors.append("n tidak boleh melebihi t.")
            return False
        if self.n.data is None and self.value.data is None:
            self.value.errors.append("Isi realisasi, atau n dan t.")
            return False
        return True


class CheckForm(FlaskForm):
    """Reported figures to recompute; all optional, so any subset can be checked."""

    n = IntField("n (memenuhi kriteria)", validators=[Optional(), NON_NEGATIVE])
    t = IntField("t (jumlah sampel)", validators=[Optional(), NumberRange(min=1, message="Minimal 1.")])
    population = IntField("Populasi N", validators=[Optional(), NumberRange(min=1, message="Minimal 1.")])
    sample_share = StringField("Sampel sebagai % populasi (dilaporkan)", validators=[Optional(), Length(max=20)])
    realisasi = StringField("Realisasi dilaporkan (%)", validators=[Optional(), Length(max=20)])
    target = DecimalNumberField("Target", validators=[Optional()])
    capaian = StringField("Capaian dilaporkan (%)", validators=[Optional(), Length(max=20)])
    polarity = SelectField("Polaritas", choices=_choices(POLARITIES.items()))
    pooled = TextAreaField("Rincian nilai gabungan (opsional; satu baris per bagian: pembilang/penyebut)",
                           validators=[Optional(), Length(max=6000), _pooled_lines])
