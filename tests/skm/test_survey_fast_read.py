"""The survey POST's fast read (forms.skm.read_survey_post, issue 14) agrees with SurveyForm.

The hot path reads the posted values without building SurveyForm; whenever it
answers, its SkmAnswers must equal SurveyForm.response() for the same POST, and it
must step aside (None) whenever SurveyForm would report a value it cannot read.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from forms.skm import SurveyForm, read_survey_post

CATEGORIES = [(1, "Masyarakat umum"), (7, "Pelaku usaha")]
FIELDS = ["instance_id", "started", "website", "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
          "respondent_category", "service_date", "kritik_saran", *(f"u{n}" for n in range(1, 10))]
# Values near every parser's edges: blanks, padding, signs, Unicode digits, huge numbers, dates.
TRICKY = ["", " ", "  \t", "3", " 4 ", "0", "-1", "+2", "٣", "3.0", "99999999999", "2147483647", "2147483648",
          "P", " L ", "x", "SMA", "PNS", "1", "7", "07", " 7", "2025-01-31", " 2025-02-29", "2024-02-29",
          "0001-01-01", "9999-12-31", "31-01-2025", "kritik ", "7f1f0d3c-1111-4222-8333-444455556666"]
values = st.one_of(st.sampled_from(TRICKY), st.sampled_from(TRICKY), st.sampled_from(TRICKY), st.text(max_size=12))


def _read_both(app, pairs):
    with app.test_request_context("/s/x", method="POST", data=MultiDict(pairs)):
        fast = read_survey_post(CATEGORIES)
        form = SurveyForm(categories=CATEGORIES)
        readable = FlaskForm.validate(form)  # WTForms' own reading, before the shared rules
        return fast, form, readable


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(FIELDS), values), min_size=1, max_size=12))
def test_the_fast_read_equals_the_form_or_steps_aside(app, pairs):
    fast, form, readable = _read_both(app, pairs)
    if fast is None:
        assert not readable, (pairs, form.errors)  # it only steps aside for what the form cannot read
    else:
        assert readable, (pairs, form.errors)
        assert fast.response == form.response()
        assert fast.started == form.started.data
        assert fast.honeypot == bool(form.website.data)


def test_a_complete_answer_is_read_fast(app):
    pairs = [("instance_id", " 7f1f0d3c-1111-4222-8333-444455556666 "), ("started", "s"), ("usia", " 41 "),
             ("service_date", "2025-01-31"), ("respondent_category", "7"), ("kritik_saran", "  bagus "),
             ("jenis_kelamin", "P"), *((f"u{n}", str(1 + n % 4)) for n in range(1, 10))]
    fast, form, readable = _read_both(app, pairs)
    assert readable and fast is not None and fast.response == form.response()
    assert fast.response.usia == 41 and fast.response.kritik_saran == "bagus"
    assert fast.response.answers["u3"] == 4 and fast.response.respondent_category_id == 7


def test_an_unreadable_value_or_a_json_body_steps_aside(app):
    assert _read_both(app, [("usia", "tiga"), ("u1", "3")])[0] is None
    assert _read_both(app, [("u1", "sangat baik")])[0] is None
    assert _read_both(app, [("service_date", "31/01/2025")])[0] is None
    with app.test_request_context("/s/x", method="POST", json={"u1": 3}):
        assert read_survey_post(CATEGORIES) is None
