"""Issue 9, "Dates of observations" and "income dates of 9999-12-31": a monitoring date is never after
today in the unit's time zone, an intervention never after its monitoring, dates stay in a sane range,
and the same rule holds on every write path (web form, offline-queue JSON, correction, import, demo)."""
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample
from app.monitoring import demo as monitoring_demo
from app.monitoring import income_import, income_samples
from app.monitoring.observation_dates import today_in, unit_today
from tests.monitoring_fixtures import JSON, as_user, income_payload, program, region

HEADER = ("nik,program,unit,kabkota,cohort_year,intervention_date,monitoring_date,household_size,measure,"
          "income_before,income_after,business_status\n")


def _count() -> int:
    return db.session.scalar(select(func.count(IncomeSample.id)))


def _post(client, **kw):
    return client.post("/pantau/pendapatan/catat", data=income_payload(client, **kw), headers=JSON)


def test_future_monitoring_date_2099_is_refused_not_counted(app, field):
    monitor = as_user(app, "mona@x.id")
    res = _post(monitor, intervention="2025-01-15", monitoring="2099-01-01")
    assert res.status_code == 422, res.get_data(as_text=True)
    assert "belum terjadi" in res.get_json()["errors"]["monitoring_date"][0]
    html = monitor.post("/pantau/pendapatan/catat", data=income_payload(monitor, monitoring="2099-01-01"))
    assert html.status_code == 422 and "belum terjadi" in html.get_data(as_text=True)
    assert _count() == 0


@pytest.mark.parametrize(("intervention", "monitoring", "field_name"), [
    ("9999-12-31", "9999-12-31", "monitoring_date"),
    ("9999-12-31", "2025-04-15", "intervention_date"),
    ("2025-01-15", "9999-12-31", "monitoring_date"),
    ("0001-01-01", "2025-04-15", "intervention_date"),
    ("1999-12-31", "2025-04-15", "intervention_date"),
])
def test_income_dates_out_of_range_are_422_not_500(app, field, intervention, monitoring, field_name):
    monitor = as_user(app, "mona@x.id")
    res = _post(monitor, intervention=intervention, monitoring=monitoring)
    assert res.status_code == 422, res.get_data(as_text=True)
    assert field_name in res.get_json()["errors"]
    assert _count() == 0


def test_intervention_after_monitoring_is_refused(app, field):
    res = _post(as_user(app, "mona@x.id"), intervention="2025-05-01", monitoring="2025-04-30")
    assert res.status_code == 422 and "sebelum tanggal intervensi" in res.get_json()["errors"]["monitoring_date"][0]
    assert _post(as_user(app, "mona@x.id"), intervention="2025-04-30", monitoring="2025-04-30").status_code == 201


def test_correction_cannot_move_a_sample_into_the_future(app, field):
    monitor = as_user(app, "mona@x.id")
    created = _post(monitor)
    assert created.status_code == 201
    record_id = created.get_json()["id"]
    data = income_payload(monitor, monitoring="2099-01-01")
    res = monitor.post(f"/pantau/pendapatan/{record_id}/ubah", data=data, headers=JSON)
    assert res.status_code == 422 and "monitoring_date" in res.get_json()["errors"]
    data = income_payload(monitor, intervention="9999-12-31")
    assert monitor.post(f"/pantau/pendapatan/{record_id}/ubah", data=data, headers=JSON).status_code == 422
    db.session.expire_all()
    assert db.session.get(IncomeSample, record_id).monitoring_date == date(2025, 4, 15)


def test_import_refuses_future_and_absurd_dates_row_by_row(app, field):
    rows = (
        "3273010101900001,PENA,DAYASOS,32.73,2025,2025-01-15,2099-01-01,4,laba,1,2,berjalan\n"
        "3273010101900002,PENA,DAYASOS,32.73,2025,9999-12-31,9999-12-31,4,laba,1,2,berjalan\n"
        "3273010101900003,PENA,DAYASOS,32.73,2025,2025-05-01,2025-04-01,4,laba,1,2,berjalan\n"
        "3273010101900004,PENA,DAYASOS,32.73,2025,2025-01-15,2025-04-15,4,laba,1,2,berjalan\n"
    )
    report = income_import.import_file(io.BytesIO((HEADER + rows).encode()), "i.csv")
    found = {(e.row, e.column) for e in report.errors}
    assert {(2, "monitoring_date"), (3, "monitoring_date"), (4, "monitoring_date")} <= found, report.errors
    assert (5, "monitoring_date") not in found and not report.written and _count() == 0
    report = income_import.import_file(io.BytesIO((HEADER + rows).encode()), "i.csv", valid_only=True)
    assert report.written and report.created == 1 and _count() == 1


def test_the_shared_write_refuses_future_dates_for_any_caller(app, field):
    """The demo seeder and any future API store through income_samples.save, which validates first."""
    unit = field["tree"]["dayasos"]
    values = {"instance_id": uuid.uuid4(), "program_id": program().id, "unit_id": unit.id,
              "region_id": region("32.73").id, "source": "web", "status": "valid", "cohort_year": 2025,
              "intervention_date": date(2025, 1, 15), "monitoring_date": unit_today(unit.id) + timedelta(days=1),
              "household_size": 4, "measure": "laba", "income_before": 1, "income_after": 2,
              "business_status": "berjalan"}
    with pytest.raises(income_samples.SampleInvalid) as caught:
        income_samples.save(values, nik="3273010101900001")
    assert "monitoring_date" in caught.value.errors and _count() == 0
    values["monitoring_date"] = unit_today(unit.id)
    assert income_samples.save(values, nik="3273010101900001")[1] is True


def test_demo_data_is_dated_in_the_units_today(app, field, make_user):
    make_user("monitor@pantau.local", "monitor", field["tree"]["dayasos"])
    assert monitoring_demo.seed() > 0
    dates = set(db.session.scalars(select(IncomeSample.monitoring_date)))
    assert dates == {today_in("Asia/Jakarta")}


def test_today_is_the_units_own_today(make_unit):
    wib = make_unit("BARAT", timezone="Asia/Jakarta")
    wit = make_unit("TIMUR", timezone="Asia/Jayapura")
    moment = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # 23:00 WIB on 31 Dec, 01:00 WIT on 1 Jan
    assert unit_today(wib.id, moment) == date(2025, 12, 31)
    assert unit_today(wit.id, moment) == date(2026, 1, 1)
    errors = income_samples.sample_errors({"monitoring_date": date(2026, 1, 1)}, unit_today(wib.id, moment))
    assert "belum terjadi" in errors["monitoring_date"][0]
    assert income_samples.sample_errors({"monitoring_date": date(2026, 1, 1)}, unit_today(wit.id, moment)) == {}
