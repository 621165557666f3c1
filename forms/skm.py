"""The SKM forms: the public survey and the admin form for respondent categories.

The survey form has no CSRF token (the form is anonymous and a queued answer must
still be accepted hours later; see docs/SECURITY.md). It only reads the posted
values (is "tiga" a number? is this a date?); whether a value is allowed is
decided by app.skm.rules, the rules every SKM write path shares, whose messages
`validate` puts beside the fields they concern.
"""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.models import utcnow
from app.models.skm import JENIS_KELAMIN, PEKERJAAN, PENDIDIKAN, PENDIDIKAN_LABELS, UNSUR_COLUMNS
from app.skm import rules
from forms.fields import IntField, IsoDateField, coerce_id

REQUIRED = "Wajib diisi."
ANSWER_CHOICES = [SelectChoice(v, str(v)) for v in rules.ANSWERS]
NONE_CHOSEN = SelectChoice("", "— pilih —")

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
    """A radio group read as a value or None; which values are allowed is app.skm.rules' business."""

    def pre_validate(self, form):
        return None


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
    usia = IntField("Usia (tahun)", validators=[Optional()])
    pendidikan = SelectField("Pendidikan terakhir",
                             choices=[NONE_CHOSEN] + [SelectChoice(p, PENDIDIKAN_LABELS[p]) for p in PENDIDIKAN],
                             filters=[_blank_to_none], validate_choice=False)
    pekerjaan = SelectField("Pekerjaan utama", choices=[NONE_CHOSEN] + [SelectChoice(p, p) for p in PEKERJAAN],
                            filters=[_blank_to_none], validate_choice=False)
    respondent_category = SelectField("Unsur responden", validate_choice=False, filters=[_blank_to_none])
    # Any readable date here; the rules give the narrower range its own messages.
    service_date = IsoDateField("Tanggal menerima layanan", maximum=date.max, validators=[Optional()])
    kritik_saran = TextAreaField("Kritik dan saran", filters=[_strip], validators=[Optional()])

    def __init__(self, *args, categories: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.respondent_category.choices = [NONE_CHOSEN] + [SelectChoice(str(i), n) for i, n in categories]
        self.category_ids = frozenset(i for i, _ in categories)

    def validate(self, extra_validators=None) -> bool:
        """Read every value, then apply the shared rules to what could be read (one message per field)."""
        readable = super().validate(extra_validators)
        problems = rules.problems(self.response(), channel="web", category_ids=self.category_ids,
                                  submitted_at=utcnow())
        for name, messages in problems.items():
            field = getattr(self, name, None)
            if field is not None and not field.errors:
                field.errors = [*field.errors, *messages]
        return readable and not problems

    def response(self) -> rules.SkmAnswers:
        """The posted answers as plain values for app.skm.submit.record."""
        category = self.respondent_category.data
        return rules.SkmAnswers(
            instance_id=self.instance_id.data or "",
            answers={name: getattr(self, name).data for name in UNSUR_COLUMNS},
            jenis_kelamin=self.jenis_kelamin.data, usia=self.usia.data, pendidikan=self.pendidikan.data,
            pekerjaan=self.pekerjaan.data,
            # Not an id of ours ("masyarakat", "99x"): 0, which no category has, so the rules refuse it.
            respondent_category_id=(int(category) if category.isascii() and category.isdigit() else 0)
            if category else None,
            service_date=self.service_date.data, kritik_saran=self.kritik_saran.data or None,
        )

    def add_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors the write path raised (a rule needing the database) beside their fields."""
        for name, messages in errors.items():
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [*field.errors, *messages]


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
