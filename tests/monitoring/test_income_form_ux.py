"""Issue 13, income form: Indonesian Rupiah input, Indonesian messages, NIK keypad and region, labels."""
import re

import pytest
from sqlalchemy import select

from app.core import nik as nik_service
from app.core.parsing import parse_rupiah
from app.extensions import db
from app.models import IncomeSample
from tests.monitoring_fixtures import JSON, as_user, income_payload, region

ENGLISH = re.compile(r"Not a valid|Invalid Choice|could not coerce|This field is required|Invalid value|"
                     r"Field must|Number must|Date must|not a valid choice")


@pytest.mark.parametrize(("text", "value"), [
    ("2500000", 2_500_000), ("2.500.000", 2_500_000), ("Rp 2.500.000", 2_500_000), ("Rp2.500.000,00", 2_500_000),
    (" 750.000 ", 750_000), ("0", 0), ("1.000", 1000),
])
def test_rupiah_accepts_indonesian_thousands_points(text, value):
    assert parse_rupiah(text) == value


@pytest.mark.parametrize("text", ["2.50.000", "2,5", "2.500.000,50", "1e6", "٣٠٠", "abc", "2..500", ".500", "-1"])
def test_rupiah_refuses_misgrouped_or_foreign_input_in_indonesian(text):
    with pytest.raises(ValueError) as err:
        parse_rupiah(text)
    assert not ENGLISH.search(str(err.value))


def test_income_with_thousands_points_is_saved(client, field):
    monitor = as_user(client.application, "mona@x.id")
    res = monitor.post("/pantau/pendapatan/catat", headers=JSON,
                       data=income_payload(monitor, before="2.500.000", after="Rp 3.000.000"))
    assert res.status_code == 201, res.get_data(as_text=True)
    sample = db.session.scalar(select(IncomeSample))
    assert (sample.income_before, sample.income_after) == (2_500_000, 3_000_000)


def test_bad_income_gets_one_indonesian_message(client, field):
    monitor = as_user(client.application, "mona@x.id")
    res = monitor.post("/pantau/pendapatan/catat", headers=JSON,
                       data=income_payload(monitor, before="2,5 juta", region_id="x", program_id="999",
                                           measure="??", business_status="", cohort_year="dua"))
    assert res.status_code == 422
    errors = res.get_json()["errors"]
    text = " ".join(m for msgs in errors.values() for m in msgs)
    assert not ENGLISH.search(text), text
    assert errors["income_before"] == ["Harus berupa angka Rupiah, mis. 2500000 atau 2.500.000."]


def test_large_income_confirmation_reads_right(client, field, app):
    monitor = as_user(app, "mona@x.id")
    limit = app.config["INCOME_SANITY_MAX"]
    res = monitor.post("/pantau/pendapatan/catat", headers=JSON, data=income_payload(monitor, after=limit + 1))
    message = res.get_json()["errors"]["confirm_large"][0]
    assert "bila benar, centang konfirmasi ini." in message
    assert f"Rp{limit:,}".replace(",", ".") in message


def test_nik_field_opens_numeric_keypad_and_rupiah_fields_accept_points(client, field):
    monitor = as_user(client.application, "mona@x.id")
    html = monitor.get("/pantau/pendapatan/catat").get_data(as_text=True)
    nik = re.search(r'<input[^>]*name="nik"[^>]*>', html).group()
    assert 'inputmode="numeric"' in nik and 'pattern="[0-9 ]*"' in nik
    before = re.search(r'<input[^>]*name="income_before"[^>]*>', html).group()
    assert 'type="text"' in before and 'inputmode="numeric"' in before  # type=number would drop "2.500.000"
    assert "nik-region.js" in html


def test_region_code_of_a_nik():
    assert nik_service.region_code("3273010101900001") == "32.73"
    assert nik_service.region_code("32730101") is None


def test_kabkota_defaults_to_the_nik_region(client, field):
    monitor = as_user(client.application, "mona@x.id")
    html = monitor.get("/pantau/pendapatan/catat").get_data(as_text=True)
    assert re.search(r'<option selected value="0">— sesuai kode wilayah NIK —', html)
    res = monitor.post("/pantau/pendapatan/catat", headers=JSON,
                       data=income_payload(monitor, nik="3204010101900001", region_id="0"))
    assert res.status_code == 201, res.get_data(as_text=True)
    assert db.session.scalar(select(IncomeSample.region_id)) == region("32.04").id
    outside = monitor.post("/pantau/pendapatan/catat", headers=JSON,
                           data=income_payload(monitor, nik="5371010101900001", region_id="0"))
    assert outside.status_code == 422
    assert "53.71" in outside.get_json()["errors"]["region_id"][0]


def test_income_detail_shows_labels_not_codes(client, field):
    monitor = as_user(client.application, "mona@x.id")
    res = monitor.post("/pantau/pendapatan/catat", headers=JSON, data=income_payload(monitor))
    html = monitor.get(f"/pantau/pendapatan/{res.get_json()['id']}").get_data(as_text=True)
    assert "Pendapatan rumah tangga" in html and "Masih berjalan" in html
    for code in ("pendapatan_rt", ">berjalan<", ">valid<"):
        assert code not in html
