from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired("Email wajib diisi."), Email("Format email tidak valid."),
                                   Length(max=254)])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi."), Length(max=200)])
    remember = BooleanField("Ingat saya di perangkat ini")
