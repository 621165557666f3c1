"""Issue 10, rule 4: one write path per record type. A pendamping check and an income sample are each
stored by one service function, used by the web form, the offline-queue JSON, the import and the demo
seeder, so every rule (dates, bounds, NIK, region, plausibility, period) holds whatever path a record
comes by. The issue's example: a future monitoring date was refused for checks but accepted for samples.
These tests first failed where a path (the shared write itself, the demo seeder) skipped a rule."""
import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, Kpm, PendampingCheck
from app.monitoring import checks, income_import, income_samples
from app.monitoring import demo as monitoring_demo
from app.monitoring.observation_dates import unit_today
from tests.monitoring_fixtures import JSON, as_user, check_payload, income_payload, program, region

HEADER = ("nik,program,unit,kabkota,cohort_year,intervention_date,monitoring_date,household_size,measure,"
          "income_before,income_after,business_status\n")
NIK = "3273010101900001"


def _samples() -> int:
    return db.session.scalar(select(func.count(IncomeSample.id)))


def _values(unit_id: int, **changes) -> dict:
    today = unit_today(unit_id)
    return {"instance_id": uuid.uuid4(), "program_id": program().id, "unit_id": unit_id,
            "region_id": region("32.73").id, "source": "web", "status": "valid", "cohort_year": 2025,
            "intervention_date": today - timedelta(days=120), "monitoring_date": today, "household_size": 4,
            "measure": "laba", "income_before": 1_000_000, "income_after": 1_500_000,
            "business_status": "berjalan", **changes}


def test_every_income_path_refuses_a_future_monitoring_date(app, field):
    unit = field["tree"]["dayasos"]
    tomorrow = unit_today(unit.id) + timedelta(days=1)
    monitor = as_user(app, "mona@x.id")
    web = monitor.post("/pantau/pendapatan/catat", data=income_payload(monitor, monitoring=tomorrow.isoformat()))
    assert web.status_code == 422
    queued = monitor.post("/pantau/pendapatan/catat", headers=JSON,
                          data=income_payload(monitor, monitoring=tomorrow.isoformat()))
    assert queued.status_code == 422 and "monitoring_date" in queued.get_json()["errors"]
    row = f"{NIK},PENA,DAYASOS,32.73,2025,2025-01-15,{tomorrow.isoformat()},4,laba,1,2,berjalan\n"
    report = income_import.import_file(io.BytesIO((HEADER + row).encode()), "i.csv", valid_only=True)
    assert [e.column for e in report.errors] == ["monitoring_date"]
    with pytest.raises(income_samples.SampleInvalid) as caught:  # the demo seeder's and any API's path
        income_samples.save(_values(unit.id, monitoring_date=tomorrow), nik=NIK)
    assert "monitoring_date" in caught.value.errors
    assert _samples() == 0


def test_the_shared_income_write_asks_to_confirm_an_implausible_amount(app, field):
    """The web form and the import asked for a confirmation above INCOME_SANITY_MAX; the write itself did not."""
    unit = field["tree"]["dayasos"]
    huge = app.config["INCOME_SANITY_MAX"] + 1
    with pytest.raises(income_samples.SampleInvalid) as caught:
        income_samples.save(_values(unit.id, income_after=huge), nik=NIK)
    assert "confirm_large" in caught.value.errors and _samples() == 0
    assert income_samples.save(_values(unit.id, income_after=huge), nik=NIK, confirmed_large=True).created


def test_the_shared_income_write_refuses_a_nik_that_is_not_one(app, field):
    """It used to trust its caller and store a KPM keyed by the HMAC of whatever it was given."""
    unit = field["tree"]["dayasos"]
    for bad in ("123", "３２７３０１０１０１９００００１", None):
        with pytest.raises(income_samples.SampleInvalid) as caught:
            income_samples.save(_values(unit.id), nik=bad)
        assert "nik" in caught.value.errors
    assert db.session.scalar(select(func.count(Kpm.id))) == 0 and _samples() == 0


def test_the_shared_income_write_refuses_a_region_that_is_not_a_kabkota(app, field):
    """The import refused a province code and the form offered only kab/kota; the write took any region."""
    unit = field["tree"]["dayasos"]
    with pytest.raises(income_samples.SampleInvalid) as caught:
        income_samples.save(_values(unit.id, region_id=region("32").id), nik=NIK)
    assert "region_id" in caught.value.errors and _samples() == 0


def test_the_shared_income_write_keeps_a_monitor_in_their_region(app, field):
    """Monitor A works in Jawa Barat: a sample in Kota Kupang (NTT) is refused on every path, not only the form."""
    unit = field["tree"]["dayasos"]
    mona = field["users"]["mon_a"]
    with pytest.raises(income_samples.SampleInvalid) as caught:
        income_samples.save(_values(unit.id, region_id=region("53.71").id, monitor_id=mona.id), nik=NIK,
                            monitor=mona)
    assert "region_id" in caught.value.errors and _samples() == 0


def _check_values(pendamping, **changes) -> dict:
    return {"instance_id": uuid.uuid4(), "pendamping_id": pendamping.id, "period": "2025",
            "visit_date": unit_today(pendamping.unit_id).replace(year=2025, month=5, day=10), "method": "kunjungan",
            "checklist_version_id": None, "answers": {"K1": "ya", "K2": "ya", "K3": "ya"}, **changes}


def test_every_pendamping_check_path_refuses_a_future_visit(app, field):
    pend = field["pendamping"]["PKH-001"]
    this_year = str(unit_today(pend.unit_id).year)
    tomorrow = unit_today(pend.unit_id) + timedelta(days=1)
    monitor = as_user(app, "mona@x.id")
    data = check_payload(monitor, pend, period=this_year, visit_date=tomorrow.isoformat())
    if tomorrow.year == int(this_year):  # on 31 December tomorrow is outside the period anyway
        queued = monitor.post("/pantau/pendamping/catat", data=data, headers=JSON)
        assert queued.status_code == 422 and "visit_date" in queued.get_json()["errors"]
    outcome = checks.create_check(checks.CheckInput(**_check_values(pend, period=this_year, visit_date=tomorrow)),
                                  monitor=field["users"]["mon_a"], period_kind="year")
    assert outcome.status == "invalid" and "visit_date" in outcome.errors
    assert db.session.scalar(select(func.count(PendampingCheck.id))) == 0


def test_the_shared_check_write_refuses_an_unanswered_criterion_and_a_pendamping_out_of_scope(app, field):
    mona = field["users"]["mon_a"]
    outcome = checks.create_check(checks.CheckInput(**_check_values(field["pendamping"]["PKH-001"],
                                                                    answers={"K1": "ya"})),
                                  monitor=mona, period_kind="year")
    assert outcome.status == "invalid" and {"k_K2", "k_K3"} <= set(outcome.errors)
    outcome = checks.create_check(checks.CheckInput(**_check_values(field["pendamping"]["PKH-003"])),
                                  monitor=mona, period_kind="year")  # Kota Kupang, outside Jawa Barat
    assert outcome.status == "invalid" and "pendamping_id" in outcome.errors
    outcome = checks.create_check(checks.CheckInput(**_check_values(field["pendamping"]["PKH-001"])),
                                  monitor=mona, period_kind="year")
    assert outcome.status == "ok" and outcome.record.optimal is True


def test_demo_checks_follow_the_configured_period_kind(app, field, make_user, monkeypatch):
    """The demo seeder wrote a year period whatever PENDAMPING_PERIOD_KIND said; the web form refuses that."""
    make_user("monitor@pantau.local", "monitor", field["tree"]["dayasos"], region_id=region("32").id)
    monkeypatch.setitem(app.config, "PENDAMPING_PERIOD_KIND", "quarter")
    monitoring_demo.seed()
    periods = set(db.session.scalars(select(PendampingCheck.period)))
    assert periods and all("-Q" in p for p in periods), periods
