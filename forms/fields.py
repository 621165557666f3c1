"""WTForms fields that read posted values with app.core.parsing, so every form gets the same rules.

WTForms' own IntegerField, DecimalField, FloatField and DateField accept what
Python's parsers accept: Unicode digits, integers of any size, "NaN",
"Infinity", "1e999". These replacements accept ASCII digits only, bounded
integers, finite decimals (decimal comma or point) and dates in a sane range,
with Indonesian messages. An unreadable value leaves `data` None and records
the message as a processing error, which fails validation (never a 500).
"""
from __future__ import annotations

from datetime import date

from wtforms import DateField, DecimalField, FloatField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from app.core.parsing import (
    MAX_BIGINT,
    MAX_DATE,
    MAX_INT,
    MIN_DATE,
    NOT_NUMBER,
    parse_date,
    parse_decimal,
    parse_int,
    parse_rupiah,
)

INVALID_CHOICE = "Pilihan tidak valid."


def _raw(valuelist) -> str | None:
    return valuelist[0] if valuelist and valuelist[0] is not None else None


class IntField(IntegerField):
    """An integer of ASCII digits, at most `maximum` (default: a PostgreSQL integer)."""

    def __init__(self, *args, minimum: int = -MAX_INT, maximum: int = MAX_INT, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist):
        raw = _raw(valuelist)
        if raw is None or not raw.strip():
            self.data = None
            return
        self.data = None
        self.data = parse_int(raw, self.minimum, self.maximum)  # ValueError becomes a field error


class RupiahField(IntegerField):
    """A whole-Rupiah amount, typed as people do: "2500000", "2.500.000" or "Rp 2.500.000".

    Opens the phone's numeric keypad (inputmode) but stays a text input, so the
    thousands points are accepted as typed.
    """

    widget = TextInput()

    def __init__(self, *args, minimum: int = 0, maximum: int = MAX_BIGINT, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}".replace(",", ".") if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist):
        raw = _raw(valuelist)
        self.data = None
        if raw is not None and raw.strip():
            self.data = parse_rupiah(raw, self.minimum, self.maximum)


class DecimalNumberField(DecimalField):
    """A finite decimal: "89,19" or "89.19"; never NaN, Infinity or an exponent.

    `not_a_number` replaces the parser's message for text that is no number at all,
    for a form that shows an example in the field's own terms ("Isi angka, mis. 3,00.").
    """

    def __init__(self, *args, not_a_number: str | None = None, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(*args, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        raw = _raw(valuelist)
        self.data = None
        if raw is not None and raw.strip():
            try:
                self.data = parse_decimal(raw)
            except ValueError as err:
                if self.not_a_number and str(err) == NOT_NUMBER:
                    raise ValueError(self.not_a_number) from None
                raise


class FiniteFloatField(FloatField):
    """A float read through parse_decimal: finite, bounded, decimal comma or point."""

    def process_formdata(self, valuelist):
        raw = _raw(valuelist)
        self.data = None
        if raw is not None and raw.strip():
            self.data = float(parse_decimal(raw))


class IsoDateField(DateField):
    """YYYY-MM-DD in ASCII digits, between `minimum` and `maximum` (default 1900-2100)."""

    def __init__(self, *args, minimum: date = MIN_DATE, maximum: date = MAX_DATE, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist):
        raw = _raw(valuelist)
        self.data = None
        if raw is not None and raw.strip():
            self.data = parse_date(raw, self.minimum, self.maximum)


def coerce_id(value) -> int:
    """SelectField coerce for database ids: ASCII digits, 0..MAX_INT (0 is the "none" choice)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_int(str(value), 0, MAX_INT)


class IdSelectField(SelectField):
    """A select of database ids (ASCII digits, bounded) whose errors are in Indonesian."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", coerce_id)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = coerce_id(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(INVALID_CHOICE) from None

    def pre_validate(self, form):
        if not self.validate_choice:
            return
        if self.data is not None and self.data not in {value for value, _label in self.choices}:
            raise ValidationError(INVALID_CHOICE)


class IdMultipleField(SelectMultipleField):
    """Several database ids (ASCII digits, bounded), each one of the choices."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", coerce_id)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [coerce_id(v) for v in valuelist]
        except ValueError:
            self.data = []
            raise ValueError(INVALID_CHOICE) from None

    def pre_validate(self, form):
        # choices may be SelectChoice objects or (value, label) pairs; both name the value first
        allowed = {getattr(c, "value", None) if hasattr(c, "value") else c[0] for c in self.choices or ()}
        if any(v not in allowed for v in self.data or []):
            raise ValidationError(INVALID_CHOICE)
