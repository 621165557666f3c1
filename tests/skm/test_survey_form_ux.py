"""Survey form rough edges (issue 13): progress marker without JavaScript, "Tidak/belum
sekolah", the right message for a service date far in the past."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core.periods import parse_period
from app.extensions import db
from app.models import SkmResponse
from app.reports.respondents import profile
from tests.survey_helpers import JSON, payload


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)


def test_each_question_says_which_of_nine_it_is_in_plain_html(client, layanan):
    html = client.get("/s/izin-ugb").get_data(as_text=True)
    markers = re.findall(r"Pertanyaan (\d) dari 9", html)
    assert markers == [str(i) for i in range(1, 10)]
    # Server-rendered, inside each question's own fieldset (no script needed).
    assert re.search(r'id="q-u1".*?Pertanyaan 1 dari 9.*?name="u1"', html, re.S)


def test_education_offers_tidak_belum_sekolah_and_stores_it(client, layanan):
    html = client.get("/s/izin-ugb").get_data(as_text=True)
    assert '<option value="TS">Tidak/belum sekolah</option>' in html
    assert client.post("/s/izin-ugb", data=payload(layanan.id, pendidikan="TS"), headers=JSON).json["status"] == "ok"
    row = db.session.scalar(select(SkmResponse))
    assert row.pendidikan == "TS"
    counts = dict(profile([layanan.id], parse_period(row.period[:4]), exclude_flagged=False)["pendidikan"])
    assert counts["Tidak/belum sekolah"] == 1


@pytest.mark.parametrize(("value", "message"), [
    ("1958-05-01", "Tanggal layanan terlalu jauh di masa lalu"),
    ("1999-12-31", "Tanggal layanan terlalu jauh di masa lalu"),
    ("2999-01-01", "Tanggal layanan tidak boleh di masa depan"),
])
def test_service_date_out_of_range_gets_the_right_message(client, layanan, value, message):
    response = client.post("/s/izin-ugb", data=payload(layanan.id, service_date=value), headers=JSON)
    assert response.status_code == 422
    [error] = response.json["errors"]["service_date"]
    assert error.startswith(message)
    if "lalu" in message:
        assert "masa depan" not in error
    assert db.session.scalar(select(SkmResponse)) is None
