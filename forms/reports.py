"""Report filters (GET, no CSRF: they change nothing) and the service-population form.

Choice lists are filled by the view from scoped queries, so a unit or layanan
outside the user's subtree fails validation instead of being reported on.
"""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.periods import parse_period
from forms.fields import IdSelectField, IntField

ALL = 0


def _valid_period(_form, field) -> None:
    try:
        parse_period(field.data or "")
    except ValueError as err:
        raise ValidationError(str(err)) from None


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    unit = IdSelectField("Unit", validators=[Optional()])
    layanan = IdSelectField("Layanan", default=ALL, validators=[Optional()])
    # A BPS region code (32, 32.73); looked up by the view, which answers an unknown code with 400.
    region = SelectField("Wilayah layanan", default="", validate_choice=False,
                         filters=[lambda v: v.strip() if v else ""])
    period = StringField("Periode", validators=[DataRequired("Isi periode, mis. 2025 atau 2025-Q1."),
                                                Length(max=7), _valid_period],
                         description="2025, 2025-S1, 2025-Q1 atau 2025-03")
    exclude_flagged = BooleanField("Kecualikan respons bertanda")


class PopulationForm(FlaskForm):
    layanan_id = IdSelectField("Layanan", validators=[InputRequired("Pilih layanan.")])
    period = StringField("Periode", validators=[DataRequired("Wajib diisi."), Length(max=7), _valid_period],
                         filters=[lambda v: v.strip().upper() if v else v],
                         description="2025, 2025-S1, 2025-Q1 atau 2025-03")
    population = IntField("Jumlah penerima layanan (N)",
                              validators=[DataRequired("Isi bilangan bulat lebih dari 0."),
                                          NumberRange(min=1, max=2_000_000_000, message="Harus 1 atau lebih.")])
    note = TextAreaField("Sumber / catatan", validators=[Optional(), Length(max=1000)])
