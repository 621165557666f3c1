"""Admin form for the "unsur responden" categories shown on the survey."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from forms.fields import IntField

REQUIRED = "Wajib diisi."


class RespondentCategoryForm(FlaskForm):
    code = StringField("Kode", filters=[lambda v: v.strip().lower() if v else v], validators=[
        DataRequired(REQUIRED), Length(max=40),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Gunakan huruf kecil, angka dan tanda hubung.")])
    name = StringField("Nama", filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(REQUIRED), Length(max=120)])
    sort_order = IntField("Urutan", default=0, validators=[
        NumberRange(0, 999, message="Urutan 0 sampai 999.")])
    active = BooleanField("Aktif (tampil di formulir)", default=True)
