"""Flask-WTF forms: validation and CSRF for every form the service shows.

Every FlaskForm speaks Indonesian, installed here once on FlaskForm's meta so
no form can forget it: WTForms' built-in messages are looked up in
forms.messages, and Flask-WTF's CSRF check (which raises plain English
strings, bypassing gettext) is re-worded the same way.
"""
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms.validators import ValidationError

from forms.messages import CSRF_MESSAGE, TRANSLATIONS


def _indonesian(self, form):  # FlaskForm.Meta.get_translations
    return TRANSLATIONS


class IndonesianCSRF(_FlaskFormCSRF):
    def validate_csrf_token(self, form, field):
        try:
            super().validate_csrf_token(form, field)
        except ValidationError:
            raise ValidationError(CSRF_MESSAGE) from None


FlaskForm.Meta.get_translations = _indonesian
FlaskForm.Meta.csrf_class = IndonesianCSRF
