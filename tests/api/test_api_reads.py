"""/api/v1 reads: the pages' scope for every list, cursor paging, problem+json errors."""
from __future__ import annotations

import base64
import threading

import pytest
from sqlalchemy import select

from app.api import reads, writes
from app.core import transaction
from app.extensions import db
from app.models import Layanan, SkmResponse
from tests.api.helpers import bearer, skm_body, token_for
from tests.monitoring_fixtures import as_user, check_payload, income_payload


@pytest.fixture()
def world(field, make_layanan):
    tree = field["tree"]
    users = field["users"]
    inside = make_layanan("izin", tree["psds"], active=True)
    outside = make_layanan("rehab", tree["rehsos"], active=True)
    admin = users["admin"]
    for layanan in (inside, outside):
        for _ in range(2):
            writes.submit_response(admin, skm_body(layanan.id))
    transaction.commit()
    return {**field, "inside": inside, "outside": outside}


def _walk(client, path: str, secret: str, limit: int = 2, on_page=None) -> list[dict]:
    items, cursor = [], None
    for _ in range(100):
        url = f"{path}{'&' if '?' in path else '?'}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(url, headers=bearer(secret))
        assert answer.status_code == 200, answer.json
        items += answer.json["items"]
        cursor = answer.json["next"]
        if on_page is not None:
            on_page()
        if cursor is None:
            return items
    raise AssertionError("cursor never ended")


def test_every_list_is_scoped_as_the_pages(client, world):
    users = world["users"]
    tree = world["tree"]
    inside, outside = world["inside"], world["outside"]
    analyst, out, admin = (token_for(users[k]) for k in ("analyst", "analyst_out", "admin"))
    unit_codes = {u["code"] for u in _walk(client, "/api/v1/units", analyst)}
    assert unit_codes == {"DAYASOS", "PSDS"}
    assert {u["code"] for u in _walk(client, "/api/v1/units", out)} == {"REHSOS"}
    assert len(_walk(client, "/api/v1/units", admin)) == 4
    assert {s["slug"] for s in _walk(client, "/api/v1/layanan", analyst)} == {"izin"}
    assert {s["slug"] for s in _walk(client, "/api/v1/layanan", out)} == {"rehab"}
    assert {r["layanan_id"] for r in _walk(client, "/api/v1/skm/responses", analyst)} == {inside.id}
    assert {r["layanan_id"] for r in _walk(client, "/api/v1/skm/responses", out)} == {outside.id}
    assert len(_walk(client, "/api/v1/skm/responses", admin)) == 4
    assert _walk(client, f"/api/v1/skm/responses?unit_id={tree['rehsos'].id}", analyst) == []
    assert len(_walk(client, f"/api/v1/skm/responses?unit_id={tree['dayasos'].id}", admin)) == 2
    assert len(_walk(client, f"/api/v1/skm/responses?layanan_id={outside.id}", admin)) == 2
    assert len(_walk(client, "/api/v1/regions", out)) == 5


def test_monitoring_lists_follow_the_monitoring_scope(app, client, world):
    users = world["users"]
    pend = world["pendamping"]
    mon_a = as_user(app, "mona@x.id")
    check = check_payload(mon_a, pend["PKH-001"])
    assert mon_a.post("/pantau/pendamping/catat?jenis=PKH", data=check).status_code == 303
    assert mon_a.post("/pantau/pendapatan/catat", data=income_payload(mon_a)).status_code == 303
    expected = {"mon_a": 1, "mon_b": 0, "analyst": 1, "analyst_out": 0, "admin": 1}
    for who, count in expected.items():
        secret = token_for(users[who])
        assert len(_walk(client, "/api/v1/monitoring/checks", secret)) == count, who
        samples = _walk(client, "/api/v1/monitoring/income-samples", secret)
        assert len(samples) == count, who
        assert all(s["nik"].endswith("0001") and "3273" not in s["nik"] for s in samples)


def test_monitor_reads_no_skm_responses_or_reports(client, world):
    secret = token_for(world["users"]["mon_a"])
    for path in ("/api/v1/skm/responses", "/api/v1/reports/ikm?period=2025"):
        answer = client.get(path, headers=bearer(secret))
        assert answer.status_code == 403 and answer.mimetype == "application/problem+json", path


def test_ikm_report_is_the_json_export(client, world):
    tree, users = world["tree"], world["users"]
    period = db.session.scalar(select(SkmResponse.period))[:4]
    secret = token_for(users["analyst"])
    answer = client.get(f"/api/v1/reports/ikm?period={period}&unit_id={tree['dayasos'].id}", headers=bearer(secret))
    assert answer.status_code == 200, answer.json
    login_client = as_user(client.application, "analis@x.id")
    export = login_client.get(f"/laporan/ikm.json?period={period}&unit={tree['dayasos'].id}")
    assert export.status_code == 200
    assert answer.json == export.json
    sibling = client.get(f"/api/v1/reports/ikm?period={period}&unit_id={tree['rehsos'].id}", headers=bearer(secret))
    assert sibling.status_code == 404
    layanan = client.get(f"/api/v1/reports/ikm?period={period}&layanan_id={world['outside'].id}",
                         headers=bearer(secret))
    assert layanan.status_code == 404
    bad = client.get("/api/v1/reports/ikm?period=20x5", headers=bearer(secret))
    assert bad.status_code == 422 and "Periode" in bad.json["detail"]


def test_filters_and_bad_values_are_422_problems(client, world):
    secret = token_for(world["users"]["admin"])
    rows = _walk(client, "/api/v1/skm/responses", secret)
    period = rows[0]["period"]
    assert len(_walk(client, f"/api/v1/skm/responses?period={period}", secret)) == 4
    assert _walk(client, "/api/v1/skm/responses?period=2001", secret) == []
    assert _walk(client, "/api/v1/skm/responses?updated_since=2100-01-01T00:00:00", secret) == []
    assert set(rows[0]["flags"]) == {"straightline", "too_fast", "repeat_device", "stamp_reused"}
    for query in ("limit=0", "limit=501", "limit=x", "cursor=%%%", "cursor=" + base64.b64encode(b"id:x").decode(),
                  "period=2025-13", "updated_since=kemarin", "layanan_id=-1"):
        answer = client.get(f"/api/v1/skm/responses?{query}", headers=bearer(secret))
        assert answer.status_code == 422, query
        body = answer.json
        assert answer.mimetype == "application/problem+json" and body["status"] == 422 and body["detail"], query
    missing = client.get("/api/v1/tidak-ada", headers=bearer(secret))
    assert missing.status_code == 404 and missing.json["title"] == "Halaman tidak ditemukan"
    method = client.delete("/api/v1/units", headers=bearer(secret))
    assert method.status_code == 405 and method.mimetype == "application/problem+json"


def test_cursor_walk_while_rows_are_inserted_returns_each_old_row_once(app, client, world):
    """A writer thread inserts responses while the reader walks the pages: every row that existed
    at the start comes back exactly once. The writer's first two rows are committed after the
    first page and before the second (so the walk must cross rows born during it); its next ones,
    up to 30, are inserted freely while later pages are read."""
    admin = world["users"]["admin"]
    secret = token_for(admin)
    for _ in range(10):
        writes.submit_response(admin, skm_body(world["inside"].id))
    transaction.commit()
    before = set(db.session.scalars(select(SkmResponse.id)))
    first_page, first_batch = threading.Event(), threading.Event()
    stop = threading.Event()
    inserted: list[int] = []
    inside_id = world["inside"].id

    def insert():
        with app.app_context():
            user = db.session.get(type(admin), admin.id)
            first_page.wait(timeout=30)
            for _ in range(2):
                inserted.append(writes.submit_response(user, skm_body(inside_id)).record["id"])
            transaction.commit()
            first_batch.set()
            while not stop.is_set() and len(inserted) < 30:
                inserted.append(writes.submit_response(user, skm_body(inside_id)).record["id"])
                transaction.commit()
            db.session.remove()

    def after_page():
        if not first_page.is_set():
            first_page.set()
            assert first_batch.wait(timeout=30)

    writer = threading.Thread(target=insert)
    writer.start()
    try:
        seen = [r["id"] for r in _walk(client, "/api/v1/skm/responses", secret, limit=3, on_page=after_page)]
    finally:
        stop.set()
        writer.join(timeout=30)
    assert len(seen) == len(set(seen))
    assert before <= set(seen)
    assert seen == sorted(seen)
    assert set(inserted[:2]) <= set(seen) and not set(inserted) & before


def test_layanan_of_inactive_user_scope_is_still_query_scoped(client, world):
    """A token acts with its user's unit: moving the user moves what the token sees."""
    analyst = world["users"]["analyst"]
    secret = token_for(analyst)
    analyst.unit_id = world["tree"]["rehsos"].id
    db.session.commit()
    assert {s["slug"] for s in _walk(client, "/api/v1/layanan", secret)} == {"rehab"}
    assert db.session.scalar(select(Layanan.slug).where(Layanan.id == world["inside"].id)) == "izin"


def test_cursor_is_opaque_and_round_trips():
    assert reads.decode_cursor(reads.encode_cursor(12345)) == 12345
    with pytest.raises(reads.BadCursor):
        reads.decode_cursor("aWQ6LTE")  # id:-1
