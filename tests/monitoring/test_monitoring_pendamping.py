"""Pendamping monitoring: recording, the per-period duplicate refusal, scoping, corrections, rejection."""
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, ChecklistCriterion, ChecklistVersion, PendampingCheck, utcnow
from app.monitoring import stats as monitoring_stats
from tests.monitoring_fixtures import JSON, as_user, check_payload, login, ptype


def _count() -> int:
    return db.session.scalar(select(func.count(PendampingCheck.id)))


def test_monitor_records_check_and_optimal_is_derived_and_stored(client, field):
    login(client, "mona@x.id")
    pend = field["pendamping"]["PKH-001"]
    res = client.post("/pantau/pendamping/catat", data=check_payload(client, pend), headers=JSON)
    assert res.status_code == 201, res.get_data(as_text=True)
    assert res.get_json()["status"] == "ok"
    record = db.session.scalar(select(PendampingCheck))
    assert record.optimal is True and record.answers == {"K1": True, "K2": True, "K3": True}
    assert record.checklist_version.version == 1 and record.period_start == "2025-01" and record.period_end == "2025-12"

    # one mandatory criterion not met: not optimal
    res = client.post("/pantau/pendamping/catat", headers=JSON,
                      data=check_payload(client, field["pendamping"]["PKH-002"], answers=("ya", "tidak", "ya")))
    assert res.status_code == 201
    assert db.session.scalar(select(PendampingCheck.optimal).where(PendampingCheck.id == res.get_json()["id"])) is False


def test_retry_of_same_instance_is_stored_once(client, field):
    login(client, "mona@x.id")
    data = check_payload(client, field["pendamping"]["PKH-001"])
    first = client.post("/pantau/pendamping/catat", data=data, headers=JSON)
    again = client.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["status"] == "duplicate"
    assert _count() == 1


def test_second_record_for_same_pendamping_and_period_is_refused(client, field):
    login(client, "mona@x.id")
    pend = field["pendamping"]["PKH-001"]
    assert client.post("/pantau/pendamping/catat", data=check_payload(client, pend), headers=JSON).status_code == 201
    res = client.post("/pantau/pendamping/catat", data=check_payload(client, pend), headers=JSON)
    assert res.status_code == 409
    assert "sudah dimonitor untuk periode Tahun 2025" in res.get_json()["message"]
    html = client.post("/pantau/pendamping/catat", data=check_payload(client, pend))
    assert html.status_code == 409 and "ubah catatan yang sudah ada" in html.get_data(as_text=True)
    assert _count() == 1
    # another period is fine
    other = check_payload(client, pend, period="2024", visit_date="2024-05-10")
    assert client.post("/pantau/pendamping/catat", data=other, headers=JSON).status_code == 201


def test_invalid_input_gets_field_errors_not_500(client, field):
    login(client, "mona@x.id")
    data = check_payload(client, field["pendamping"]["PKH-001"], period="2025-13", k_K2="mungkin", latitude="91")
    res = client.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert res.status_code == 422
    errors = res.get_json()["errors"]
    assert {"period", "k_K2", "latitude", "longitude"} <= set(errors)
    data = check_payload(client, field["pendamping"]["PKH-001"], instance_id="bukan-uuid")
    assert client.post("/pantau/pendamping/catat", data=data, headers=JSON).status_code == 422
    assert _count() == 0


def test_gps_accuracy_worse_than_threshold_warns_and_flags(client, field):
    login(client, "mona@x.id")
    data = check_payload(client, field["pendamping"]["PKH-001"], latitude="-6.9", longitude="107.6",
                         gps_accuracy_m="250")
    res = client.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert res.status_code == 201 and "akurasi GPS 250 m" in res.get_json()["message"]
    assert db.session.scalar(select(PendampingCheck.gps_warning)) is True


def test_monitor_cannot_record_pendamping_outside_region(client, field):
    login(client, "mona@x.id")  # region Jawa Barat
    res = client.post("/pantau/pendamping/catat", data=check_payload(client, field["pendamping"]["PKH-003"]),
                      headers=JSON)
    assert res.status_code == 422 and "pendamping_id" in res.get_json()["errors"]


def _record(app, email, pendamping):
    client = as_user(app, email)
    res = client.post("/pantau/pendamping/catat", data=check_payload(client, pendamping), headers=JSON)
    assert res.status_code == 201
    return res.get_json()["id"]


def test_scoping_other_monitor_and_outside_analyst_get_404(client, field):
    app = client.application
    record_id = _record(app, "mona@x.id", field["pendamping"]["PKH-001"])
    owner = as_user(app, "mona@x.id")
    assert owner.get(f"/pantau/pendamping/{record_id}").status_code == 200
    client = as_user(app, "monb@x.id")
    assert client.get(f"/pantau/pendamping/{record_id}").status_code == 404
    assert client.get(f"/pantau/pendamping/{record_id}/ubah").status_code == 404
    assert "Siti" not in client.get("/pantau/pendamping").get_data(as_text=True)

    other = as_user(app, "luar@x.id")
    assert other.get(f"/pantau/pendamping/{record_id}").status_code == 404
    assert "Siti" not in other.get("/pantau/pendamping").get_data(as_text=True)
    inside = as_user(app, "analis@x.id")
    assert inside.get(f"/pantau/pendamping/{record_id}").status_code == 200
    assert "Siti" in inside.get("/pantau/pendamping").get_data(as_text=True)


def test_correction_within_window_is_audited_and_refused_after(client, field, app):
    record_id = _record(app, "mona@x.id", field["pendamping"]["PKH-001"])
    client = as_user(app, "mona@x.id")
    page = client.get(f"/pantau/pendamping/{record_id}/ubah")
    assert page.status_code == 200
    data = check_payload(client, field["pendamping"]["PKH-001"], answers=("ya", "ya", "tidak"), method="telepon")
    res = client.post(f"/pantau/pendamping/{record_id}/ubah", data=data)
    assert res.status_code == 303  # queue_replies.saved: See Other after a POST
    record = db.session.get(PendampingCheck, record_id)
    db.session.refresh(record)
    assert record.optimal is False and record.method == "telepon"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update",
                                                       AuditEvent.entity == "pendamping_check"))
    assert event.before["optimal"] is True and event.after["optimal"] is False

    record.created_at = utcnow() - timedelta(days=app.config["MONITOR_EDIT_DAYS"] + 1)
    db.session.commit()
    assert client.post(f"/pantau/pendamping/{record_id}/ubah", data=data).status_code == 403


def test_analyst_rejects_with_reason_and_record_is_excluded_not_deleted(client, field):
    record_id = _record(client.application, "mona@x.id", field["pendamping"]["PKH-001"])
    unit_id = field["tree"]["dayasos"].id
    assert monitoring_stats.pendamping_outcomes(unit_id, period="2025")["PKH"].sampled == 1
    client = as_user(client.application, "analis@x.id")
    page = client.get(f"/pantau/pendamping/{record_id}")
    from tests.helpers import csrf_from

    token = csrf_from(page.get_data(as_text=True))
    assert client.post(f"/pantau/pendamping/{record_id}/tolak", data={"csrf_token": token, "reason": ""}
                       ).status_code == 302
    assert db.session.get(PendampingCheck, record_id).status == "valid"
    client.post(f"/pantau/pendamping/{record_id}/tolak", data={"csrf_token": token, "reason": "Foto tidak sesuai"})
    db.session.expire_all()
    record = db.session.get(PendampingCheck, record_id)
    assert record.status == "rejected" and record.rejected_reason == "Foto tidak sesuai"
    outcome = monitoring_stats.pendamping_outcomes(unit_id, period="2025")["PKH"]
    assert (outcome.optimal, outcome.sampled, outcome.rejected) == (0, 0, 1)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reject")) is not None


def test_new_checklist_version_never_rewrites_history(client, field):
    record_id = _record(client.application, "mona@x.id", field["pendamping"]["PKH-001"])
    old = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.type_id == ptype("PKH").id))
    old.active = False
    new = ChecklistVersion(type_id=old.type_id, version=2, active=True)
    new.criteria.append(ChecklistCriterion(code="K9", text="Kriteria baru", mandatory=True, sort_order=1))
    db.session.add(new)
    db.session.commit()
    record = db.session.get(PendampingCheck, record_id)
    assert record.checklist_version_id == old.id and record.optimal is True
    client = as_user(client.application, "mona@x.id")
    assert "Kriteria baru" in client.get("/pantau/pendamping/catat?jenis=PKH").get_data(as_text=True)


def test_population_and_outcomes_count_in_sql(client, field):
    from datetime import date

    unit_id = field["tree"]["root"].id
    pend = field["pendamping"]["PKH-002"]
    pend.status, pend.status_date = "berhenti", date(2025, 3, 1)
    db.session.commit()
    assert monitoring_stats.pendamping_population(unit_id, "PKH") == 2
    assert monitoring_stats.pendamping_population(unit_id, "PKH", period="2025") == 3
    assert monitoring_stats.pendamping_population(unit_id, "PKH", period="2026") == 2
    jabar = db.session.scalar(select(PendampingCheck.region_id).limit(1))  # none yet
    assert jabar is None
    from tests.monitoring_fixtures import region

    assert monitoring_stats.pendamping_population(unit_id, "PKH", region_id=region("32").id, period="2025") == 2
    assert monitoring_stats.pendamping_population_by_type(unit_id, period="2025") == {"PKH": 3}
    assert monitoring_stats.pendamping_population(field["tree"]["rehsos"].id) == 0


def test_expired_session_json_post_gets_401_not_redirect(client, field):
    token = client.get("/csrf-token").get_json()
    assert token["authenticated"] is False
    res = client.post("/pantau/pendamping/catat", data={"instance_id": "x", "csrf_token": token["csrf_token"]},
                      headers=JSON)
    assert res.status_code == 401 and res.get_json()["code"] == 401
    assert client.get("/pantau/pendamping").status_code == 302
