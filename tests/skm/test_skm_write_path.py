"""One write path for an SKM response (issue 10, rule 4): the web form, the offline queue, the CSV
import and the demo seeder all store through app.skm.submit.record, so a rule that one of them
applies the others apply too. Each test here is a gap one path used to leave open."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import SkmResponse
from tests.survey_helpers import JSON, payload

HEADER = "tanggal,u1,u2,u3,u4,u5,u6,u7,u8,u9,tanggal_layanan"


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(SkmResponse))


def test_import_refuses_a_service_date_after_the_day_the_survey_was_filled(app, tmp_path, layanan):
    """The web form refuses a service date after the day it is sent; an imported row was sent on its
    `tanggal`, so a service received months later is as impossible there (it used to be accepted)."""
    path = tmp_path / "skm.csv"
    path.write_text(f"{HEADER}\n2025-01-10,3,3,3,3,3,3,3,3,4,2025-06-01\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-skm", str(path), "--layanan", "izin-ugb"])
    assert result.exit_code == 1
    assert "Baris 2, kolom tanggal_layanan: Tanggal layanan tidak boleh sesudah tanggal pengisian" in result.output
    assert _count() == 0


def test_import_accepts_a_service_date_up_to_the_day_of_filling(app, tmp_path, layanan):
    path = tmp_path / "skm.csv"
    path.write_text(f"{HEADER}\n2025-01-10,3,3,3,3,3,3,3,3,4,2025-01-10\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-skm", str(path), "--layanan", "izin-ugb"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(SkmResponse.service_date)) == date(2025, 1, 10)


def test_web_refuses_an_instance_id_of_another_layanans_response(client, layanan, make_layanan, tree):
    """The import refuses an instance_id already used by another layanan's response; the web POST used
    to answer "duplicate" (stored) for it, so the queue dropped an answer that was never stored."""
    other = make_layanan("izin-pub", tree["psds"], name="Izin PUB", active=True, published=True)
    given = str(uuid.uuid4())
    assert client.post("/s/izin-pub", data=payload(other.id, instance_id=given), headers=JSON).status_code == 200
    answer = client.post("/s/izin-ugb", data=payload(layanan.id, instance_id=given), headers=JSON)
    assert answer.status_code == 422 and answer.json["status"] == "invalid"
    assert "layanan lain" in answer.json["errors"]["instance_id"][0]
    page = client.post("/s/izin-ugb", data=payload(layanan.id, instance_id=given))
    assert page.status_code == 422 and given not in page.get_data(as_text=True)  # a fresh id to resend with
    assert [r.layanan_id for r in db.session.scalars(select(SkmResponse))] == [other.id]


def test_the_same_answer_sent_twice_is_still_a_duplicate(client, layanan):
    data = payload(layanan.id)
    assert client.post("/s/izin-ugb", data=data, headers=JSON).json["status"] == "ok"
    assert client.post("/s/izin-ugb", data=data, headers=JSON).json["status"] == "duplicate"
    assert _count() == 1


def test_the_service_refuses_bad_values_whichever_path_calls_it(app, layanan):
    from app.skm import rules, submit

    bad = rules.SkmAnswers(instance_id="rusak", answers={"u1": 7}, jenis_kelamin="X", usia=9,
                            pendidikan="S4", pekerjaan="Petani", respondent_category_id=999_999,
                            service_date=date(1999, 12, 31), kritik_saran="k" * 2001)
    with pytest.raises(rules.InvalidResponse) as raised:
        submit.record(layanan, bad, channel="import", category_ids=(),
                      submitted_at=datetime.now() + timedelta(days=3))
    assert set(raised.value.errors) == {"instance_id", "u1", "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
                                        "respondent_category", "service_date", "kritik_saran", "submitted_at"}
    assert _count() == 0
