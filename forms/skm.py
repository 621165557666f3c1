"""The SKM forms: the public survey and the admin form for respondent categories.

The survey form has no CSRF token (the form is anonymous and a queued answer must
still be accepted hours later; see docs/SECURITY.md). The same form validates rows
of a CSV import, with `require_answers=False` because paper questionnaires have blanks.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.models.skm import JENIS_KELAMIN, KRITIK_SARAN_MAX, PEKERJAAN, PENDIDIKAN, PENDIDIKAN_LABELS, UNSUR_COLUMNS
from forms.fields import IntField, IsoDateField, coerce_id

ANSWER_REQUIRED = "Pilih salah satu jawaban."
REQUIRED = "Wajib diisi."
ANSWER_CHOICES = [SelectChoice(v, str(v)) for v in (1, 2, 3, 4)]
NONE_CHOSEN = SelectChoice("", "— pilih —")
SERVICE_DATE_MIN = date(2000, 1, 1)

# WTForms' own messages for values that cannot even be read, in Indonesian.
_MESSAGES = {
    "Not a valid choice.": "Pilihan tidak dikenal.",
    "Invalid Choice: could not coerce.": "Pilihan tidak dikenal.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid date value.": "Tanggal tidak valid (format TTTT-BB-HH).",
    "This field is required.": "Wajib diisi.",
}


class _Indonesian:
    def gettext(self, string):
        return _MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value):
    return None if value in ("", None) else value


class _OptionalRadio(RadioField):
    """A radio group where no answer is allowed (None) but any given answer must be a choice."""

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


class SurveyForm(FlaskForm):
    class Meta:
        csrf = False

        def get_translations(self, form):
            return _Indonesian()

    instance_id = HiddenField(filters=[_strip])
    started = HiddenField()  # signed render time, see app.skm.submit
    website = StringField()  # honeypot: hidden from people, filled by bots

    jenis_kelamin = _OptionalRadio("Jenis kelamin", choices=[SelectChoice(k, v) for k, v in JENIS_KELAMIN.items()],
                                   filters=[_strip, _blank_to_none], validators=[Optional()])
    usia = IntField("Usia (tahun)", validators=[
        Optional(), NumberRange(10, 120, message="Usia harus antara 10 dan 120 tahun.")])
    pendidikan = SelectField("Pendidikan terakhir",
                             choices=[NONE_CHOSEN] + [SelectChoice(p, PENDIDIKAN_LABELS[p]) for p in PENDIDIKAN],
                             filters=[_blank_to_none], validate_choice=False)
    pekerjaan = SelectField("Pekerjaan utama", choices=[NONE_CHOSEN] + [SelectChoice(p, p) for p in PEKERJAAN],
                            filters=[_blank_to_none], validate_choice=False)
    respondent_category = SelectField("Unsur responden", validate_choice=False, filters=[_blank_to_none])
    # Any readable date here; validate_service_date gives the narrower rule its own message.
    service_date = IsoDateField("Tanggal menerima layanan", maximum=date.max, validators=[Optional()])
    kritik_saran = TextAreaField("Kritik dan saran", filters=[_strip], validators=[
        Optional(), Length(max=KRITIK_SARAN_MAX, message=f"Maksimal {KRITIK_SARAN_MAX} karakter.")])

    def __init__(self, *args, categories: list[tuple[int, str]] = (), require_answers: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_answers = require_answers
        self.respondent_category.choices = [NONE_CHOSEN] + [SelectChoice(str(i), n) for i, n in categories]
        self._category_ids = {str(i) for i, _ in categories}

    # Choice lists are checked here rather than by WTForms so "" means "not given".
    def validate_pendidikan(self, field):
        if field.data is not None and field.data not in PENDIDIKAN:
            raise ValidationError("Pilihan pendidikan tidak dikenal.")

    def validate_pekerjaan(self, field):
        if field.data is not None and field.data not in PEKERJAAN:
            raise ValidationError("Pilihan pekerjaan tidak dikenal.")

    def validate_respondent_category(self, field):
        if field.data is not None and field.data not in self._category_ids:
            raise ValidationError("Unsur responden tidak dikenal.")

    def validate_instance_id(self, field):
        try:
            field.data = str(uuid.UUID(field.data or ""))
        except ValueError:
            raise ValidationError("Kode pengiriman (instance_id) tidak valid; muat ulang formulir.") from None

    def validate_service_date(self, field):
        if field.data is None:
            return
        if field.data < SERVICE_DATE_MIN:
            raise ValidationError("Tanggal layanan terlalu jauh di masa lalu (paling awal 1 Januari 2000); "
                                  "periksa tahunnya.")
        if field.data > date.today() + timedelta(days=1):  # a day of slack for time zones east of the server
            raise ValidationError("Tanggal layanan tidak boleh di masa depan.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for name in UNSUR_COLUMNS:
            field = getattr(self, name)
            if self.require_answers and field.data is None and not field.errors:
                field.errors.append(ANSWER_REQUIRED)
                ok = False
        return ok and not any(getattr(self, n).errors for n in UNSUR_COLUMNS)

    @property
    def answers(self) -> dict[str, int | None]:
        return {name: getattr(self, name).data for name in UNSUR_COLUMNS}

    @property
    def category_id(self) -> int | None:
        return int(self.respondent_category.data) if self.respondent_category.data else None


for _name in UNSUR_COLUMNS:
    setattr(SurveyForm, _name, _OptionalRadio(_name.upper(), choices=ANSWER_CHOICES, coerce=coerce_id,
                                              validators=[Optional()]))


class RespondentCategoryForm(FlaskForm):
    """Admin form for the "unsur responden" categories shown on the survey."""
    code = StringField("Kode", filters=[lambda v: v.strip().lower() if v else v], validators=[
        DataRequired(REQUIRED), Length(max=40),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Gunakan huruf kecil, angka dan tanda hubung.")])
    name = StringField("Nama", filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(REQUIRED), Length(max=120)])
    sort_order = IntField("Urutan", default=0, validators=[
        NumberRange(0, 999, message="Urutan 0 sampai 999.")])
    active = BooleanField("Aktif (tampil di formulir)", default=True)
