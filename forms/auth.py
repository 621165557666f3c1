from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, StopValidation

from app.core import passwords
from forms.fields import IntField


class StrongPassword:
    """The password policy of `app.core.passwords` as a WTForms validator.

    The form's own `email` and `name` fields, and the words in `form.account_words` (set by a
    view for the signed-in user), count as guessable: a password built from them is refused.
    """

    def __call__(self, form, field):
        words = [form[name].data for name in ("email", "name") if name in form and form[name].data]
        words += list(getattr(form, "account_words", ()))
        error = passwords.policy_error(field.data or "", words)
        if error:
            raise StopValidation(error)


class LoginForm(FlaskForm):
    # No format check here: an unknown or odd address simply fails like a wrong password.
    email = EmailField("Email", filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired("Email wajib diisi."), Length(max=254)])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Ingat saya di perangkat ini")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Kata sandi saat ini", validators=[
        DataRequired("Kata sandi saat ini wajib diisi."), Length(max=passwords.MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("Kata sandi baru", validators=[
        DataRequired("Kata sandi baru wajib diisi."), StrongPassword()],
        description=f"Minimal {passwords.MIN_LENGTH} karakter dan tidak mudah ditebak, "
                    "mis. tiga kata acak dengan angka.", render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField("Ulangi kata sandi baru", validators=[
        DataRequired("Ulangi kata sandi baru."), EqualTo("new_password", "Kedua kata sandi baru tidak sama.")],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, account_words=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.account_words = tuple(account_words)


class ApiTokenForm(FlaskForm):
    """A new API token on /akun/token: a name, read or write, and optionally days until it expires."""

    name = StringField("Nama token", validators=[DataRequired("Nama token wajib diisi."), Length(max=100)],
                       filters=[lambda v: v.strip() if v else v])
    scope = SelectField("Cakupan", choices=[SelectChoice("read", "Baca saja (read)"),
                                            SelectChoice("write", "Baca dan tulis (write)")])
    expires_days = IntField("Berlaku (hari)", minimum=1, maximum=366, validators=[Optional()],
                            description="Kosongkan bila tanpa batas; paling lama 366 hari.")
