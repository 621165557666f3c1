"""/api/v1 writes: each through its one write path, idempotent by instance_id, write scope only."""
from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, Kpm, PendampingCheck, SkmResponse
from app.monitoring import checklists
from tests.api.helpers import bearer, skm_body, token_for
from tests.monitoring_fixtures import as_user, program, ptype, region


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin", tree["psds"], active=True)


def test_skm_post_stores_through_record_with_channel_api(client, tree, make_user, layanan):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    secret = token_for(user, "write")
    body = skm_body(layanan.id)
    first = client.post("/api/v1/skm/responses", json=body, headers=bearer(secret))
    assert first.status_code == 201, first.json
    assert first.json["channel"] == "api" and first.json["instance_id"] == body["instance_id"]
    assert first.json["flags"]["too_fast"] is False and first.json["answers"]["u1"] == 3
    again = client.post("/api/v1/skm/responses", json=body, headers=bearer(secret))
    assert again.status_code == 200 and again.json == first.json
    untimed = skm_body(layanan.id, duration_seconds=None)
    fast = client.post("/api/v1/skm/responses", json=untimed, headers=bearer(secret))
    assert fast.status_code == 201 and fast.json["flags"]["too_fast"] is True
    assert _count(SkmResponse) == 2


def test_skm_post_refusals(client, tree, make_user, make_layanan, layanan):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    write, read = token_for(user, "write"), token_for(user, "read")
    sibling = make_layanan("rehab", tree["rehsos"], active=True)
    cases = [
        (read, skm_body(layanan.id), 403),
        (write, skm_body(sibling.id), 404),
        (write, skm_body(layanan.id, answers={"u1": 9}), 422),
        (write, skm_body(layanan.id, answers={"u1": 3}), 422),
        (write, skm_body(layanan.id, usia=5), 422),
        (write, skm_body(layanan.id, instance_id="bukan-uuid"), 422),
        (write, skm_body(layanan.id, surplus=1), 422),
        (write, {}, 422),
    ]
    for secret, body, status in cases:
        answer = client.post("/api/v1/skm/responses", json=body, headers=bearer(secret))
        assert answer.status_code == status, (body, answer.json)
        assert answer.mimetype == "application/problem+json" and answer.json["detail"]
    assert client.post("/api/v1/skm/responses", data="{", headers={**bearer(write), "Content-Type":
                                                                  "application/json"}).status_code in (400, 422)
    body = skm_body(layanan.id)
    assert client.post("/api/v1/skm/responses", json=body, headers=bearer(write)).status_code == 201
    foreign = client.post("/api/v1/skm/responses", json={**body, "layanan_id": make_layanan(
        "lain", tree["psds"], active=True).id}, headers=bearer(write))
    assert foreign.status_code == 422 and "instance_id" in foreign.json["errors"]
    assert _count(SkmResponse) == 1


def _race(app, path: str, body: dict, secret: str) -> list[tuple[int, object]]:
    """POST `body` from 10 threads released together, each with its own client (and so its own
    session and connection); (status, id) of each answer."""
    app.test_client().get("/api/v1/units", headers=bearer(secret))  # last_used_at written before the race
    barrier = threading.Barrier(10)
    results: list = []

    def post():
        own = app.test_client()
        barrier.wait()
        answer = own.post(path, json=body, headers=bearer(secret))
        results.append((answer.status_code, answer.json.get("id")))

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _assert_one_created(results, model) -> None:
    codes = sorted(code for code, _ in results)
    assert codes == [200] * 9 + [201], results
    assert len({row_id for _, row_id in results}) == 1
    assert _count(model) == 1


def test_the_same_post_from_ten_threads_stores_one_row(app, tree, make_user, layanan):
    user = make_user("a@x.id", "admin", tree["root"])
    results = _race(app, "/api/v1/skm/responses", skm_body(layanan.id), token_for(user, "write"))
    _assert_one_created(results, SkmResponse)


def _check_body(pendamping, **extra) -> dict:
    version = checklists.version_in_force(ptype("PKH").id)
    codes = [c.code for c in version.criteria]
    return {"instance_id": str(uuid.uuid4()), "pendamping_id": pendamping.id, "period": "2025",
            "visit_date": "2025-05-10", "method": "kunjungan", "checklist_version_id": version.id,
            "answers": {code: True for code in codes}, **extra}


def test_check_post_through_create_check(client, field):
    users, pend = field["users"], field["pendamping"]
    secret = token_for(users["mon_a"], "write")
    body = _check_body(pend["PKH-001"])
    first = client.post("/api/v1/monitoring/checks", json=body, headers=bearer(secret))
    assert first.status_code == 201, first.json
    again = client.post("/api/v1/monitoring/checks", json=body, headers=bearer(secret))
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    conflict = client.post("/api/v1/monitoring/checks", json=_check_body(pend["PKH-001"]), headers=bearer(secret))
    assert conflict.status_code == 409 and conflict.mimetype == "application/problem+json"
    outside = client.post("/api/v1/monitoring/checks", json=_check_body(pend["PKH-003"]), headers=bearer(secret))
    assert outside.status_code == 422 and "pendamping_id" in outside.json["errors"]
    analyst = client.post("/api/v1/monitoring/checks", json=_check_body(pend["PKH-002"]),
                          headers=bearer(token_for(users["analyst"], "write")))
    assert analyst.status_code == 403
    read = client.post("/api/v1/monitoring/checks", json=_check_body(pend["PKH-002"]),
                       headers=bearer(token_for(users["mon_a"], "read")))
    assert read.status_code == 403
    assert _count(PendampingCheck) == 1


def _income_body(**extra) -> dict:
    return {"instance_id": str(uuid.uuid4()), "nik": "3273010101900001", "program_id": program("PENA").id,
            "cohort_year": 2025, "intervention_date": "2025-01-15", "monitoring_date": "2025-04-15",
            "region_id": region("32.73").id, "household_size": 4, "measure": "pendapatan_rt",
            "income_before": 1_500_000, "income_after": 2_000_000, "business_status": "berjalan", **extra}


def test_income_post_through_save_with_masked_nik(app, client, field):
    users = field["users"]
    secret = token_for(users["mon_a"], "write")
    body = _income_body()
    first = client.post("/api/v1/monitoring/income-samples", json=body, headers=bearer(secret))
    assert first.status_code == 201, first.json
    assert "3273010101900001" not in first.get_data(as_text=True) and first.json["nik"].endswith("0001")
    again = client.post("/api/v1/monitoring/income-samples", json=body, headers=bearer(secret))
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert first.json["source"] == "api"
    db.session.expire_all()
    assert db.session.scalar(select(IncomeSample.source)) == "api"
    page = as_user(app, "mona@x.id").get(f"/pantau/pendapatan/{first.json['id']}").get_data(as_text=True)
    assert "<th>Dicatat lewat</th><td>API</td>" in page
    bad = client.post("/api/v1/monitoring/income-samples", json=_income_body(nik="123"), headers=bearer(secret))
    assert bad.status_code == 422 and "nik" in bad.json["errors"]
    kupang = client.post("/api/v1/monitoring/income-samples", json=_income_body(
        nik="5371010101900002", region_id=region("53.71").id), headers=bearer(secret))
    assert kupang.status_code == 422
    assert _count(IncomeSample) == 1


def test_the_same_check_from_ten_threads_stores_one_row(app, field):
    """The check's own instance_id is a repeat (200), never the 409 of another check of the same period."""
    body = _check_body(field["pendamping"]["PKH-001"])
    results = _race(app, "/api/v1/monitoring/checks", body, token_for(field["users"]["mon_a"], "write"))
    _assert_one_created(results, PendampingCheck)


def test_the_same_income_sample_from_ten_threads_stores_one_row(app, field):
    results = _race(app, "/api/v1/monitoring/income-samples", _income_body(),
                    token_for(field["users"]["mon_a"], "write"))
    _assert_one_created(results, IncomeSample)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Kpm)) == 1
