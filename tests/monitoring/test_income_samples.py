"""KPM income samples: 3-month rule, bands, graduation, NIK privacy, panel counting, scoping."""
import logging
from datetime import date

import pytest
from sqlalchemy import String, Text, func, inspect, select, text

from app.extensions import db
from app.models import IncomeSample, Kpm, PovertyLine, Umk
from app.monitoring import income_bands, income_samples
from app.monitoring import stats as monitoring_stats
from app.monitoring.eligibility import add_months, earliest_eligible, is_eligible
from tests.monitoring_fixtures import JSON, as_user, income_payload, region

NIK = "3273010101900001"


@pytest.mark.parametrize(("intervention", "first_ok"), [
    (date(2025, 1, 15), date(2025, 4, 15)),
    (date(2024, 11, 30), date(2025, 2, 28)),
    (date(2023, 11, 30), date(2024, 2, 29)),  # leap year
    (date(2025, 3, 31), date(2025, 6, 30)),
    (date(2025, 10, 31), date(2026, 1, 31)),
])
def test_three_calendar_months_boundary_on_the_exact_day(intervention, first_ok):
    assert earliest_eligible(intervention) == first_ok
    assert is_eligible(intervention, first_ok)
    assert not is_eligible(intervention, date.fromordinal(first_ok.toordinal() - 1))
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def _post(client, **kw):
    return client.post("/pantau/pendapatan/catat", data=income_payload(client, **kw), headers=JSON)


def test_sample_stored_with_eligibility_and_increase_flags(client, field):
    monitor = as_user(client.application, "mona@x.id")
    early = _post(monitor, intervention="2025-01-15", monitoring="2025-04-14")
    assert early.status_code == 201, early.get_data(as_text=True)
    assert "kurang dari 3 bulan" in early.get_json()["message"]
    ok = _post(monitor, intervention="2025-01-15", monitoring="2025-04-15", before=2_000_000, after=2_000_000)
    assert ok.status_code == 201
    rows = {s.id: s for s in db.session.scalars(select(IncomeSample))}
    assert rows[early.get_json()["id"]].eligible is False
    assert rows[ok.get_json()["id"]].eligible is True and rows[ok.get_json()["id"]].increased is False
    assert db.session.scalar(select(func.count(Kpm.id))) == 1  # same NIK: one KPM, two rounds


def test_retry_is_stored_once_and_bad_input_is_422(client, field):
    monitor = as_user(client.application, "mona@x.id")
    data = income_payload(monitor)
    assert monitor.post("/pantau/pendapatan/catat", data=data, headers=JSON).status_code == 201
    again = monitor.post("/pantau/pendapatan/catat", data=data, headers=JSON)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    bad = _post(monitor, nik="12345", before=-1, monitoring="2024-01-01")
    assert bad.status_code == 422
    assert {"nik", "income_before", "monitoring_date"} <= set(bad.get_json()["errors"])
    assert db.session.scalar(select(func.count(IncomeSample.id))) == 1


def test_income_above_sanity_bound_needs_confirmation_and_is_never_clipped(client, field, app):
    monitor = as_user(app, "mona@x.id")
    big = app.config["INCOME_SANITY_MAX"] + 1
    res = _post(monitor, after=big)
    assert res.status_code == 422 and "confirm_large" in res.get_json()["errors"]
    res = _post(monitor, after=big, confirm_large="y")
    assert res.status_code == 201
    assert db.session.scalar(select(IncomeSample.income_after)) == big


def test_nik_never_in_database_or_logs(client, field, caplog):
    caplog.set_level(logging.DEBUG)
    monitor = as_user(client.application, "mona@x.id")
    assert _post(monitor, nik=NIK).status_code == 201
    assert _post(monitor, nik=NIK, instance_id="not-a-uuid").status_code == 422
    db.session.commit()
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text)) or column.name in ("before", "after", "answers"):
                hits = db.session.execute(select(func.count()).select_from(table).where(
                    func.cast(column, Text).like(f"%{NIK}%"))).scalar()
                if hits:
                    found.append(f"{table.name}.{column.name}")
    assert found == []
    assert NIK not in caplog.text
    kpm = db.session.scalar(select(Kpm))
    assert kpm.nik_last4 == "0001" and len(kpm.nik_hmac) == 64
    page = monitor.get("/pantau/pendapatan").get_data(as_text=True)
    assert NIK not in page and "************0001" in page
    assert set(inspect(db.engine).get_table_names())  # the dump covered real tables
    assert db.session.execute(text("SELECT count(*) FROM kpm")).scalar() == 1


def _sample(**kw) -> IncomeSample:
    values = {"instance_id": kw.pop("instance_id", None) or __import__("uuid").uuid4(), "kpm_id": kw.pop("kpm_id"),
              "program_id": kw.pop("program_id"), "unit_id": kw.pop("unit_id"), "region_id": region("32.73").id,
              "cohort_year": 2025, "intervention_date": date(2025, 1, 1), "monitoring_date": date(2025, 5, 1),
              "household_size": 4, "measure": "pendapatan_rt", "income_before": 1_000_000, "income_after": 2_000_000,
              "business_status": "berjalan", "source": "web", "status": "valid"}
    values.update(kw)
    sample = IncomeSample(**income_samples.derived(values))
    db.session.add(sample)
    db.session.commit()
    return sample


def _kpm(nik: str) -> int:
    from app.core import nik as nik_service

    return income_samples.kpm_id_for(nik_service.normalise(nik))


def test_bands_at_the_line_values(field):
    from tests.monitoring_fixtures import program

    db.session.add(PovertyLine(province_id=region("32").id, period="2025-03", extreme_line=400_000,
                               poverty_line=550_000, is_demo=True))
    db.session.add(Umk(region_id=region("32.73").id, year=2025, amount=4_000_000, is_demo=True))
    db.session.commit()
    base = {"kpm_id": _kpm(NIK), "program_id": program().id, "unit_id": field["tree"]["dayasos"].id,
            "household_size": 4}
    cases = [(1_599_996, "below-extreme"), (1_600_000, "between-lines"), (2_199_996, "between-lines"),
             (2_200_000, "above-poverty-line"), (3_999_999, "above-poverty-line"), (4_000_000, "above-UMK")]
    for month, (after, expected) in enumerate(cases, start=4):
        sample = _sample(**base, income_after=after, monitoring_date=date(2025, month, 1))
        band = income_bands.band_for(sample)
        assert band.code == expected, (after, band)
        assert band.demo is True
    # before the first published line: no band, said plainly
    early = _sample(**base, income_after=1, monitoring_date=date(2025, 2, 1))
    assert income_bands.band_for(early).code is None
    omzet = _sample(**base, measure="omzet", monitoring_date=date(2025, 12, 1))
    assert income_bands.band_for(omzet).code is None


def test_graduation_ready_needs_three_consecutive_months_above_umk(field):
    from tests.monitoring_fixtures import program

    db.session.add(Umk(region_id=region("32.73").id, year=2025, amount=3_000_000))
    db.session.commit()
    base = {"kpm_id": _kpm(NIK), "program_id": program().id, "unit_id": field["tree"]["dayasos"].id}
    s1 = _sample(**base, income_after=3_100_000, monitoring_date=date(2025, 5, 10))
    s2 = _sample(**base, income_after=3_000_000, monitoring_date=date(2025, 6, 10))
    assert income_bands.graduation_for([s1, s2]) is False
    s4 = _sample(**base, income_after=3_500_000, monitoring_date=date(2025, 8, 10))
    assert income_bands.graduation_for([s1, s2, s4]) is False  # July missing breaks the run
    s3 = _sample(**base, income_after=3_200_000, monitoring_date=date(2025, 7, 10))
    assert income_bands.graduation_for([s1, s2, s3, s4]) is True
    s5 = _sample(**base, income_after=2_999_999, monitoring_date=date(2025, 9, 10))
    assert income_bands.graduation_for([s1, s2, s3, s4, s5]) is False


def test_outcomes_use_latest_eligible_round_per_kpm(field):
    from tests.monitoring_fixtures import program

    unit = field["tree"]["dayasos"].id
    pena = program().id
    a, b, c, d = (_kpm(f"32730101019000{i:02d}") for i in (11, 12, 13, 14))
    # A: eligible rounds, the latest one did not increase
    _sample(kpm_id=a, program_id=pena, unit_id=unit, monitoring_date=date(2025, 5, 1), income_after=2_000_000)
    _sample(kpm_id=a, program_id=pena, unit_id=unit, monitoring_date=date(2025, 8, 1), income_after=900_000)
    # B: increased; an early (ineligible) later round does not override it
    _sample(kpm_id=b, program_id=pena, unit_id=unit, monitoring_date=date(2025, 4, 2))
    _sample(kpm_id=b, program_id=pena, unit_id=unit, intervention_date=date(2025, 7, 1),
            monitoring_date=date(2025, 8, 1), income_after=0)
    # C: only an early round: excluded
    _sample(kpm_id=c, program_id=pena, unit_id=unit, monitoring_date=date(2025, 3, 31))
    # D: rejected
    rejected = _sample(kpm_id=d, program_id=pena, unit_id=unit)
    rejected.status = "rejected"
    db.session.commit()
    out = monitoring_stats.income_outcomes(field["tree"]["root"].id, program="PENA", period="2025")
    assert (out.increased, out.eligible, out.excluded_ineligible, out.ineligible_samples, out.rejected) == \
        (1, 2, 1, 2, 1)
    assert monitoring_stats.income_outcomes(field["tree"]["rehsos"].id, program="PENA").eligible == 0
    assert monitoring_stats.income_outcomes(unit, program="KAT").eligible == 0


def test_scoping_income_samples(client, field):
    app = client.application
    owner = as_user(app, "mona@x.id")
    record_id = _post(owner).get_json()["id"]
    assert owner.get(f"/pantau/pendapatan/{record_id}").status_code == 200
    assert as_user(app, "monb@x.id").get(f"/pantau/pendapatan/{record_id}").status_code == 404
    assert as_user(app, "monb@x.id").get(f"/pantau/pendapatan/{record_id}/ubah").status_code == 404
    assert as_user(app, "luar@x.id").get(f"/pantau/pendapatan/{record_id}").status_code == 404
    analyst = as_user(app, "analis@x.id")
    page = analyst.get("/pantau/pendapatan?kelayakan=layak")
    assert page.status_code == 200 and "Memenuhi" in page.get_data(as_text=True)
    assert analyst.get("/pantau/pendapatan?periode=2025-13").status_code == 400


def test_monitor_region_scope_limits_kabkota(client, field):
    ntt = as_user(client.application, "monntt@x.id")
    res = _post(ntt)  # Kota Bandung is outside NTT
    assert res.status_code == 422 and "region_id" in res.get_json()["errors"]
