"""The SKM forms: the public survey and the admin form for respondent categories.

The survey form has no CSRF token (the form is anonymous and a queued answer must
still be accepted hours later; see docs/SECURITY.md). It only reads the posted
values (is "tiga" a number? is this a date?); whether a value is allowed is
decided by app.skm.rules, the rules every SKM write path shares, whose messages
`validate` puts beside the fields they concern.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import request
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.core.parsing import MAX_INT, MIN_DATE, parse_date, parse_int
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


@dataclass(frozen=True)
class SurveyPost:
    """A survey POST read without building SurveyForm (see read_survey_post)."""
    response: rules.SkmAnswers
    started: str | None
    honeypot: bool


def read_survey_post(categories: list[tuple[int, str]]) -> SurveyPost | None:
    """The posted survey read exactly as SurveyForm reads it, for the hot path (issue 14).

    Why: building and validating the 19-field SurveyForm cost about 0.3 ms of a
    ~1.3 ms POST (cProfile: WTForms field binding). This reads the same first value
    of each field through the same parsers, filters and coercions, and gives the
    same SkmAnswers as SurveyForm.response(). Whether the answers are allowed is
    still decided by app.skm.rules, in submit.record.

    None whenever SurveyForm could read it differently or would report a value it
    cannot read (a JSON body, an upload, "tiga" for an age, a bad date): the route
    then builds SurveyForm, whose messages the respondent sees. So does a response
    the rules refuse. tests/skm/test_survey_fast_read.py checks the two readings agree.
    """
    if request.files or not request.form:
        return None
    form = request.form.to_dict()  # first values, as SurveyForm reads them; a plain dict's get() of an
    # absent field costs no KeyError (werkzeug's MultiDict.get raises and catches one: 1 % of the POST)
    try:
        usia = _read_optional(form.get("usia"), lambda raw: parse_int(raw, -MAX_INT, MAX_INT))
        service_date = _read_optional(form.get("service_date"), lambda raw: parse_date(raw, MIN_DATE, date.max))
        answers = {name: _read_radio(form.get(name)) for name in UNSUR_COLUMNS}
    except ValueError:
        return None
    category = _blank_to_none(form.get("respondent_category"))
    kritik = form.get("kritik_saran")
    response = rules.SkmAnswers(
        instance_id=_strip(form.get("instance_id")) or "",
        answers=answers,
        jenis_kelamin=_blank_to_none(_strip(form.get("jenis_kelamin"))), usia=usia,
        pendidikan=_blank_to_none(form.get("pendidikan")), pekerjaan=_blank_to_none(form.get("pekerjaan")),
        respondent_category_id=(int(category) if category.isascii() and category.isdigit() else 0)
        if category else None,
        service_date=service_date, kritik_saran=(kritik.strip() if kritik is not None else None) or None,
    )
    return SurveyPost(response, form.get("started"), bool(form.get("website")))


def _read_optional(raw: str | None, parse):
    """IntField/IsoDateField: a blank value is None, anything else must parse (ValueError otherwise)."""
    return None if raw is None or not raw.strip() else parse(raw)


def _read_radio(raw: str | None) -> int | None:
    """An unsur radio (coerce_id, Optional): blank is None, unreadable raises ValueError."""
    if raw is None or not raw.strip():
        return None
    return parse_int(raw, 0, MAX_INT)


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
