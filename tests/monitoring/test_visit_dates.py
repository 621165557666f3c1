"""A pendamping check's visit date must fall inside its period and not after today (first/last day inclusive)."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.periods import parse_period
from app.extensions import db
from app.models import PendampingCheck
from app.monitoring.observation_dates import today_in
from app.monitoring.visit_dates import period_days, visit_date_errors
from tests.monitoring_fixtures import JSON, as_user, check_payload, login

TODAY = date(2026, 11, 24)


def _count() -> int:
    return db.session.scalar(select(func.count(PendampingCheck.id)))


@pytest.mark.parametrize(("period", "first", "last"), [
    ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("2025-S2", date(2025, 7, 1), date(2025, 12, 31)),
    ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
    ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
])
def test_period_days_and_boundaries(period, first, last):
    p = parse_period(period)
    assert period_days(p) == (first, last)
    assert visit_date_errors(first, p, TODAY) == [] and visit_date_errors(last, p, TODAY) == []
    before, after = visit_date_errors(first - timedelta(days=1), p, TODAY), visit_date_errors(last + timedelta(days=1),
                                                                                              p, TODAY)
    assert len(before) == 1 and "di luar periode" in before[0]
    assert len(after) == 1 and "di luar periode" in after[0]


def test_future_visit_is_refused_and_today_is_not():
    p = parse_period("2026")
    assert visit_date_errors(TODAY, p, TODAY) == []
    errors = visit_date_errors(TODAY + timedelta(days=1), p, TODAY)
    assert errors == ["Tanggal monitoring 25-11-2026 belum terjadi; isi tanggal yang sudah lewat atau hari ini "
                      "(24-11-2026)."]
    both = visit_date_errors(date(2027, 1, 2), p, TODAY)
    assert len(both) == 2


def test_today_is_taken_in_the_units_own_zone():
    # 15:30 UTC on 31 Dec is already 1 Jan 00:30 in Jayapura (WIT), but still 22:30 on 31 Dec in Jakarta (WIB).
    moment = datetime(2025, 12, 31, 15, 30, tzinfo=UTC)
    assert today_in("Asia/Jayapura", moment) == date(2026, 1, 1)
    assert today_in("Asia/Jakarta", moment) == date(2025, 12, 31)
    assert today_in("Asia/Makassar", datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == date(2025, 12, 31)
    assert today_in("Asia/Makassar", datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == date(2026, 1, 1)


# ---- over HTTP: the offline-queue JSON contract and the HTML form ------------------------------

@pytest.mark.parametrize(("visit", "status"), [
    ("2025-01-01", 201), ("2025-12-31", 201), ("2025-06-15", 201),
    ("2024-12-31", 422), ("2026-01-01", 422),
])
def test_create_accepts_inside_and_boundary_days_and_refuses_outside(client, field, visit, status):
    login(client, "mona@x.id")
    data = check_payload(client, field["pendamping"]["PKH-001"], period="2025", visit_date=visit)
    res = client.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert res.status_code == status, res.get_data(as_text=True)
    body = res.get_json()
    if status == 422:
        assert body["status"] == "invalid" and set(body["errors"]) == {"visit_date"}
        assert "di luar periode Tahun 2025 (01-01-2025 s.d. 31-12-2025)" in body["errors"]["visit_date"][0]
        assert _count() == 0
    else:
        assert body["status"] == "ok" and _count() == 1
        assert db.session.scalar(select(PendampingCheck.visit_date)) == date.fromisoformat(visit)


def test_future_visit_is_refused_over_json_and_inline_in_html(client, field):
    login(client, "mona@x.id")
    tomorrow = today_in("Asia/Jakarta") + timedelta(days=1)  # DAYASOS is a WIB unit
    data = check_payload(client, field["pendamping"]["PKH-001"], period=str(tomorrow.year),
                         visit_date=tomorrow.isoformat())
    res = client.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert res.status_code == 422
    assert any("belum terjadi" in m for m in res.get_json()["errors"]["visit_date"])
    html = client.post("/pantau/pendamping/catat?jenis=PKH", data=data)
    assert html.status_code == 422
    page = html.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "belum terjadi" in page and 'name="visit_date"' in page
    assert _count() == 0


def test_quarterly_periods_use_the_quarter_bounds(client, field, app, monkeypatch):
    monkeypatch.setitem(app.config, "PENDAMPING_PERIOD_KIND", "quarter")
    login(client, "mona@x.id")
    pend = field["pendamping"]["PKH-001"]
    early = check_payload(client, pend, period="2025-Q2", visit_date="2025-03-31")
    res = client.post("/pantau/pendamping/catat", data=early, headers=JSON)
    assert res.status_code == 422 and "Triwulan II 2025" in res.get_json()["errors"]["visit_date"][0]
    ok = check_payload(client, pend, period="2025-Q2", visit_date="2025-04-01")
    assert client.post("/pantau/pendamping/catat", data=ok, headers=JSON).status_code == 201


def test_correction_cannot_move_the_visit_out_of_its_period(client, field, app):
    login(client, "mona@x.id")
    pend = field["pendamping"]["PKH-001"]
    res = client.post("/pantau/pendamping/catat", data=check_payload(client, pend), headers=JSON)
    record_id = res.get_json()["id"]
    client = as_user(app, "mona@x.id")
    moved = check_payload(client, pend, visit_date="2026-01-05")
    res = client.post(f"/pantau/pendamping/{record_id}/ubah", data=moved)
    assert res.status_code == 422 and "di luar periode Tahun 2025" in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PendampingCheck, record_id).visit_date == date(2025, 5, 10)
    inside = check_payload(client, pend, visit_date="2025-12-31")
    assert client.post(f"/pantau/pendamping/{record_id}/ubah", data=inside).status_code == 303  # queue_replies.saved
    db.session.expire_all()
    assert db.session.get(PendampingCheck, record_id).visit_date == date(2025, 12, 31)
