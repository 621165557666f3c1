"""Admin forms. Choice lists are filled by the view from scoped queries, so a
posted id outside the admin's subtree fails validation instead of being saved."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from app.models.org import TIMEZONES, UNIT_LEVELS
from app.models.user import ROLES
from forms.fields import coerce_id

REQUIRED = "Wajib diisi."
CODE_RE = Regexp(r"^[A-Z0-9][A-Z0-9_.-]*$", message="Gunakan huruf besar, angka, titik, garis bawah atau tanda hubung.")
SLUG_RE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Gunakan huruf kecil, angka dan tanda hubung, mis. izin-ugb.")


class UnitForm(FlaskForm):
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=40), CODE_RE],
                       filters=[lambda v: v.strip().upper() if v else v])
    name = StringField("Nama", validators=[DataRequired(REQUIRED), Length(max=200)])
    level = SelectField("Tingkat", choices=[SelectChoice(lvl, lvl.capitalize()) for lvl in UNIT_LEVELS])
    parent_id = SelectField("Induk", coerce=coerce_id)
    timezone = SelectField("Zona waktu", choices=[SelectChoice(tz, label) for tz, label in TIMEZONES.items()])
    active = BooleanField("Aktif", default=True)


class LayananForm(FlaskForm):
    name = StringField("Nama layanan", validators=[DataRequired(REQUIRED), Length(max=300)])
    slug = StringField("Slug URL", validators=[DataRequired(REQUIRED), Length(max=80), SLUG_RE],
                       filters=[lambda v: v.strip().lower() if v else v])
    unit_id = SelectField("Unit", coerce=coerce_id)
    region_id = SelectField("Wilayah (opsional)", coerce=coerce_id,
                            description="Provinsi atau kab/kota tempat layanan diberikan (sentra, dinas).")
    active = BooleanField("Aktif (menerima survei)", default=True)
    published = BooleanField("Hasil dipublikasikan")


class UserForm(FlaskForm):
    email = EmailField("Email", filters=[lambda v: v.strip().lower() if v else v],
                       validators=[DataRequired(REQUIRED), Email("Format email tidak valid."), Length(max=254)])
    name = StringField("Nama", validators=[Optional(), Length(max=200)])
    role = SelectField("Peran", choices=[SelectChoice(role, label) for role, label in ROLES.items()])
    unit_id = SelectField("Unit", coerce=coerce_id)
    region_id = SelectField("Wilayah (opsional)", coerce=coerce_id)
    password = PasswordField("Kata sandi",
                             validators=[Optional(), Length(min=10, max=200, message="Minimal 10 karakter.")])
    active = BooleanField("Aktif", default=True)


class ConfirmForm(FlaskForm):
    """A bare form: a POST button that carries the CSRF token."""
