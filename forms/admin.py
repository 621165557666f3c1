"""Admin forms. Choice lists are filled by the view from scoped queries, so a
posted id outside the admin's subtree fails validation instead of being saved."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.admin import users
from app.core.labels import UNIT_LEVEL_LABELS
from app.models.org import TIMEZONES, UNIT_LEVELS
from app.models.user import ROLES
from forms.auth import StrongPassword
from forms.fields import coerce_id

REQUIRED = "Wajib diisi."
CODE_RE = Regexp(r"^[A-Z0-9][A-Z0-9_.-]*$", message="Gunakan huruf besar, angka, titik, garis bawah atau tanda hubung.")
# The write path's own address rule (app.admin.users), checked here too for a field-level message.
STAFF_EMAIL_RE = Regexp(users.STAFF_EMAIL_PATTERN, message=users.BAD_EMAIL)
SLUG_RE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Gunakan huruf kecil, angka dan tanda hubung, mis. izin-ugb.")


def _blank_to_none(value):
    return (value.strip() or None) if isinstance(value, str) else value


class UnitForm(FlaskForm):
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=40), CODE_RE],
                       filters=[lambda v: v.strip().upper() if v else v])
    name = StringField("Nama", validators=[DataRequired(REQUIRED), Length(max=200)])
    level = SelectField("Tingkat", choices=[SelectChoice(lvl, UNIT_LEVEL_LABELS[lvl]) for lvl in UNIT_LEVELS])
    parent_id = SelectField("Induk", coerce=coerce_id)
    timezone = SelectField("Zona waktu", choices=[SelectChoice(tz, label) for tz, label in TIMEZONES.items()])
    active = BooleanField("Aktif", default=True)
    # The closing page of the unit's reports (place, date, "Mengetahui,", position, name, signature).
    report_place = StringField("Tempat penandatanganan laporan (kota), mis. Jakarta", filters=[_blank_to_none],
                               validators=[Optional(), Length(max=100)])
    head_title = StringField("Jabatan pimpinan unit, mis. Direktur Jenderal Pemberdayaan Sosial",
                             filters=[_blank_to_none], validators=[Optional(), Length(max=200)])
    head_name = StringField("Nama pimpinan unit (dengan gelar)", filters=[_blank_to_none],
                            validators=[Optional(), Length(max=200)])
    head_nip = StringField("NIP pimpinan unit (opsional)", filters=[_blank_to_none],
                           validators=[Optional(), Length(max=30),
                                       Regexp(r"^[0-9 ]+$", message="NIP hanya berisi angka 0-9 dan spasi.")])
    logo = FileField("Logo unit untuk sampul laporan (PNG atau JPEG, maksimal 1 MB, opsional)",
                     render_kw={"accept": "image/png,image/jpeg"})
    remove_logo = BooleanField("Hapus logo yang tersimpan")


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
                       validators=[DataRequired(REQUIRED), Length(max=254), STAFF_EMAIL_RE])
    name = StringField("Nama", validators=[Optional(), Length(max=200)])
    role = SelectField("Peran", choices=[SelectChoice(role, label) for role, label in ROLES.items()])
    # The view puts a "pilih unit" placeholder (0) first, so a new user never gets a unit by accident.
    unit_id = SelectField("Unit", coerce=coerce_id, validators=[DataRequired("Unit wajib dipilih.")],
                          invalid_choice_message="Pilih unit dari daftar.")
    region_id = SelectField("Wilayah (opsional)", coerce=coerce_id)
    # Empty keeps the current password; anything else, spaces included, must pass the policy.
    password = PasswordField("Kata sandi", validators=[Optional(strip_whitespace=False), StrongPassword()],
                             description="Kosongkan bila tidak diubah. Minimal 10 karakter dan tidak mudah ditebak.",
                             # never the browser's saved password (the admin's own) for another account
                             render_kw={"autocomplete": "new-password"})
    active = BooleanField("Aktif", default=True)


class ConfirmForm(FlaskForm):
    """A bare form: a POST button that carries the CSRF token."""
