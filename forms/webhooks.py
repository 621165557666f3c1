"""The admin form for a webhook subscription: unit, URL, events. Whether the URL may be called and
the events exist is decided by app.webhooks.subscriptions (the CLI shares it)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.models.webhook import EVENTS
from forms.fields import INVALID_CHOICE, IdSelectField

REQUIRED = "Wajib diisi."


class EventsField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if any(v not in EVENTS for v in self.data or []):
            raise ValidationError(INVALID_CHOICE)


class WebhookForm(FlaskForm):
    unit_id = IdSelectField("Unit (termasuk unit di bawahnya)", validators=[DataRequired(REQUIRED)])
    url = StringField("URL penerima",
                      validators=[DataRequired(REQUIRED), Length(max=2000, message="Maksimal 2000 karakter.")])
    events = EventsField("Peristiwa", choices=[SelectChoice(e, e) for e in EVENTS],
                         validators=[DataRequired("Pilih minimal satu peristiwa.")])
