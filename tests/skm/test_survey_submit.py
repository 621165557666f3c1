"""POST /s/<slug>: validation, idempotency (also concurrent), honeypot, rate limit,
same-origin check and data-quality flags."""
from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.periods import period_of
from app.extensions import db
from app.models import RespondentCategory, SkmResponse
from app.skm import submit as skm_submit
from app.skm import summary as skm_stats
from tests.factories import stored_responses
from tests.survey_helpers import JSON, payload


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)



def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(SkmResponse))


def test_valid_post_stores_one_row_and_redirects_to_thanks(client, layanan):
    category = db.session.scalar(select(RespondentCategory).where(RespondentCategory.code == "masyarakat"))
    data = payload(layanan.id, respondent_category=str(category.id), service_date="2025-01-15",
                   kritik_saran="  Antrean <panjang>  ")
    response = client.post("/s/izin-ugb", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/s/izin-ugb/terima-kasih")
    [row] = stored_responses()
    assert str(row.instance_id) == data["instance_id"] and row.channel == "web"
    assert row.answers == {"U1": 3, "U2": 4, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 2, "U9": 3}
    assert (row.jenis_kelamin, row.usia, row.pendidikan, row.pekerjaan) == ("L", 41, "D4/S1", "PNS")
    assert row.respondent_category_id == category.id and row.service_date.isoformat() == "2025-01-15"
    assert row.kritik_saran == "Antrean <panjang>" and row.form_version == "skm-2017-v1"
    assert row.period == period_of(row.submitted_at, "Asia/Jakarta")


def test_profile_is_optional(client, layanan):
    data = payload(layanan.id, jenis_kelamin="", usia="", pendidikan="", pekerjaan="", kritik_saran="")
    assert client.post("/s/izin-ugb", data=data, headers=JSON).json["status"] == "ok"
    [row] = stored_responses()
    assert row.jenis_kelamin is None and row.usia is None and row.pendidikan is None and row.kritik_saran is None


BAD_INPUTS = [
    ({"u3": None}, "u3", "Pilih salah satu jawaban."),
    ({"u1": ""}, "u1", "Pilih salah satu jawaban."),
    ({"u1": "5"}, "u1", "Pilihan tidak dikenal."),
    ({"u9": "0"}, "u9", "Pilihan tidak dikenal."),
    ({"u2": "tiga"}, "u2", "Pilihan tidak dikenal."),
    ({"u4": "2.5"}, "u4", "Pilihan tidak dikenal."),
    ({"jenis_kelamin": "X"}, "jenis_kelamin", "Pilihan tidak dikenal."),
    ({"pendidikan": "S4"}, "pendidikan", "Pilihan pendidikan tidak dikenal."),
    ({"pekerjaan": "Petani"}, "pekerjaan", "Pilihan pekerjaan tidak dikenal."),
    ({"respondent_category": "999999"}, "respondent_category", "Unsur responden tidak dikenal."),
    ({"respondent_category": "masyarakat"}, "respondent_category", "Unsur responden tidak dikenal."),
    ({"usia": "9"}, "usia", "Usia harus antara 10 dan 120 tahun."),
    ({"usia": "tiga puluh"}, "usia", "Harus berupa bilangan bulat."),
    ({"kritik_saran": "x" * 2001}, "kritik_saran", "Maksimal 2000 karakter."),
    ({"instance_id": "bukan-uuid"}, "instance_id", "tidak valid"),
    ({"instance_id": None}, "instance_id", "tidak valid"),
    ({"instance_id": "1' OR '1'='1"}, "instance_id", "tidak valid"),
    ({"service_date": "2999-01-01"}, "service_date", "tidak boleh di masa depan"),
    ({"service_date": "31/12/2024"}, "service_date", "Tanggal tidak valid"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUTS)
def test_bad_input_is_a_422_with_the_field_error_and_stores_nothing(client, layanan, change, field, message):
    data = payload(layanan.id, **change)
    response = client.post("/s/izin-ugb", data=data, headers=JSON)
    assert response.status_code == 422
    assert response.json["status"] == "invalid"
    assert any(message in text for text in response.json["errors"][field]), response.json
    html = client.post("/s/izin-ugb", data=data)
    assert html.status_code == 422 and message.split(" (")[0] in html.get_data(as_text=True)
    assert _count() == 0


def test_longest_allowed_kritik_saran_is_accepted(client, layanan):
    response = client.post("/s/izin-ugb", data=payload(layanan.id, kritik_saran="y" * 2000), headers=JSON)
    assert response.status_code == 200 and len(stored_responses()[0].kritik_saran) == 2000


def test_errors_keep_the_answers_already_given_and_escape_them(client, layanan):
    data = payload(layanan.id, u9=None, usia="27", kritik_saran='<script>alert("x")</script>', pekerjaan="Swasta")
    html = client.post("/s/izin-ugb", data=data).get_data(as_text=True)
    assert 'name="u1" value="3" checked' in html and 'name="u2" value="4" checked' in html
    assert 'id="q-u9"' in html and "Pilih salah satu jawaban." in html
    assert 'name="usia" min="10" max="120" inputmode="numeric" value="27"' in html
    assert '<option value="Swasta" selected>' in html and 'value="L" checked' in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and '<script>alert("x")' not in html
    assert f'name="instance_id" value="{data["instance_id"]}"' in html  # same id: fixing and resending stays idempotent


def test_hostile_bodies_never_cause_a_500(client, layanan):
    for body in (b"\xff\xfe\x00garbage", b"u1=%ZZ&u2=" + b"9" * 5000, b"u1=1&u1=2&u1=3"):
        response = client.post("/s/izin-ugb", data=body, content_type="application/x-www-form-urlencoded")
        assert 400 <= response.status_code < 500
    assert _count() == 0


def test_repeated_post_is_stored_once(client, layanan):
    data = payload(layanan.id)
    first = client.post("/s/izin-ugb", data=data, headers=JSON)
    second = client.post("/s/izin-ugb", data=data, headers=JSON)
    third = client.post("/s/izin-ugb", data=data)
    assert (first.status_code, first.json["status"]) == (200, "ok")
    assert (second.status_code, second.json["status"]) == (200, "duplicate")
    assert second.json["redirect"] == "/s/izin-ugb/terima-kasih" and third.status_code == 303
    assert _count() == 1


def test_concurrent_identical_posts_are_stored_once(app, layanan):
    for _ in range(4):
        data = payload(layanan.id)
        barrier = threading.Barrier(2)
        results: list = []

        def post(form=data, barrier=barrier, results=results):
            client = app.test_client()
            barrier.wait()
            response = client.post("/s/izin-ugb", data=form, headers=JSON)
            results.append((response.status_code, response.json["status"]))

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(results) == [(200, "duplicate"), (200, "ok")], results
    assert _count() == 4


def test_honeypot_pretends_success_but_stores_nothing(client, layanan):
    response = client.post("/s/izin-ugb", data=payload(layanan.id, website="http://spam.example"), headers=JSON)
    assert response.status_code == 200 and response.json["status"] == "ok"
    assert client.post("/s/izin-ugb", data=payload(layanan.id, website="x")).status_code == 303
    assert _count() == 0


def test_rate_limit_on_post_only(app, client, layanan, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200
    limited = client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    assert limited.status_code == 429 and "Terlalu banyak" in limited.json["error"]
    assert "Terlalu banyak permintaan" in client.post("/s/izin-ugb", data=payload(layanan.id)).get_data(as_text=True)
    assert all(client.get("/s/izin-ugb").status_code == 200 for _ in range(5))  # reading the form is not limited
    assert _count() == 3


def test_rate_limit_is_per_client_address_and_says_when_to_retry(app, client, layanan, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_RATE_LIMIT", "100 per hour;2 per minute")

    def post(address):
        return client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON, environ_base={"REMOTE_ADDR": address})

    assert [post("10.0.0.1").status_code for _ in range(2)] == [200, 200]
    limited = post("10.0.0.1")
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert post("10.0.0.2").status_code == 200  # another address has its own counters
    assert _count() == 3


def test_default_rate_limit_is_generous_for_carrier_nat(app, client, layanan):
    assert app.config["SURVEY_RATE_LIMIT"] == "120 per minute;2000 per hour"
    for _ in range(30):
        assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200


@pytest.mark.parametrize("header", ["Origin", "Referer"])
def test_cross_origin_post_is_refused(client, layanan, header):
    response = client.post("/s/izin-ugb", data=payload(layanan.id), headers={header: "https://evil.example/x", **JSON})
    assert response.status_code == 403 and "hanya dapat dikirim dari situs ini" in response.json["message"]
    ok = client.post("/s/izin-ugb", data=payload(layanan.id), headers={header: "http://localhost/s/izin-ugb", **JSON})
    assert ok.status_code == 200
    assert _count() == 1


def test_no_session_csrf_token_needed(app, client, layanan, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200


# ---- flags ---------------------------------------------------------------------

def test_plain_response_has_no_flags_and_records_duration(client, layanan):
    client.get("/s/izin-ugb")  # sets the device cookie
    client.post("/s/izin-ugb", data=payload(layanan.id, seconds_ago=75))
    [row] = stored_responses()
    assert not row.flagged and 74 <= row.duration_seconds <= 80


def test_straightlining_is_flagged(client, layanan):
    client.post("/s/izin-ugb", data=payload(layanan.id, **{f"u{i}": "4" for i in range(1, 10)}))
    [row] = stored_responses()
    assert row.flag_straightline and not row.flag_too_fast


@pytest.mark.parametrize(("started", "duration"), [
    ("fast", 5), ("missing", None), ("forged", None), ("other-layanan", None),
])
def test_under_20_seconds_or_unverifiable_start_is_flagged_too_fast(client, layanan, started, duration):
    token = {
        "fast": skm_submit.start_token(layanan.id, now=time.time() - 5),
        "missing": "",
        "forged": "WzEsMTcwMDAwMDAwMF0.forged",
        "other-layanan": skm_submit.start_token(layanan.id + 1000),
    }[started]
    client.post("/s/izin-ugb", data=payload(layanan.id, started=token))
    [row] = stored_responses()
    assert row.flag_too_fast and not row.flag_straightline
    assert row.duration_seconds == duration if duration is None else 4 <= row.duration_seconds <= 7


def test_same_device_same_layanan_same_day_is_flagged(app, client, tree, make_layanan, layanan):
    other = make_layanan("izin-pub", tree["psds"], active=True)
    client.get("/s/izin-ugb")
    client.post("/s/izin-ugb", data=payload(layanan.id))
    client.post("/s/izin-pub", data=payload(other.id))  # another layanan: fine
    client.post("/s/izin-ugb", data=payload(layanan.id))  # same device again: flagged
    app.test_client().post("/s/izin-ugb", data=payload(layanan.id))  # another device (no cookie): fine
    rows = stored_responses()
    assert [r.flag_repeat_device for r in rows] == [False, False, True, False]
    assert rows[0].device_hash == rows[2].device_hash and rows[3].device_hash is None
    cookie = client.get_cookie(skm_submit.DEVICE_COOKIE).value
    assert cookie not in rows[0].device_hash and len(rows[0].device_hash) == 64


def test_same_device_on_a_later_day_is_not_flagged(client, layanan):
    client.get("/s/izin-ugb")
    client.post("/s/izin-ugb", data=payload(layanan.id))
    first = stored_responses()[0]
    first.submitted_at -= timedelta(days=1)
    db.session.commit()
    client.post("/s/izin-ugb", data=payload(layanan.id))
    assert [r.flag_repeat_device for r in stored_responses()] == [False, False]


def test_analysts_can_exclude_flagged_responses(client, layanan):
    client.post("/s/izin-ugb", data=payload(layanan.id))
    client.post("/s/izin-ugb", data=payload(layanan.id, **{f"u{i}": "1" for i in range(1, 10)}))
    assert skm_stats.flag_counts([layanan.id], None)["flagged"] == 1
    assert skm_stats.ikm_for([layanan.id], None).n_respondents == 2
    assert skm_stats.ikm_for([layanan.id], None, exclude_flagged=True).n_respondents == 1


@pytest.mark.parametrize(("zone", "period"), [("Asia/Jakarta", "2025-03"), ("Asia/Jayapura", "2025-04")])
def test_period_is_the_month_in_the_units_zone(client, make_unit, make_layanan, monkeypatch, zone, period):
    unit = make_unit("PAPUA", level="satker", timezone=zone)
    item = make_layanan("sentra", unit, active=True)
    monkeypatch.setattr(skm_submit, "utcnow", lambda: datetime(2025, 3, 31, 15, 30))  # 22:30 WIB = 00:30 WIT
    client.post("/s/sentra", data=payload(item.id))
    [row] = stored_responses()
    assert row.period == period and row.submitted_at == datetime(2025, 3, 31, 15, 30)


def test_instance_ids_are_normalised(client, layanan):
    upper = str(uuid.uuid4()).upper()
    client.post("/s/izin-ugb", data=payload(layanan.id, instance_id=upper))
    again = client.post("/s/izin-ugb", data=payload(layanan.id, instance_id=upper.lower()), headers=JSON)
    assert again.json["status"] == "duplicate" and _count() == 1
