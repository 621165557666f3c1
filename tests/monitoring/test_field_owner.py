"""Queued field items carry their owner: the server stores an item only under the user who recorded it.

On a shared phone monitor A's queued item must never be stored with monitor B as
the monitor (issue 11). The client puts the owner's user id into every queued
item (hidden `owner` field, also rendered into the forms); the server answers a
mismatch with 409 {"status": "wrong_owner"} and stores nothing, and the client
keeps the item for its owner.
"""
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, PendampingCheck
from tests.monitoring_fixtures import JSON, as_user, check_payload, income_payload


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_income_item_of_another_owner_is_refused_with_409_and_not_stored(client, field):
    users = field["users"]
    monitor_b = as_user(client.application, "monb@x.id")
    data = income_payload(monitor_b, owner=str(users["mon_a"].id))
    res = monitor_b.post("/pantau/pendapatan/catat", data=data, headers=JSON)
    assert res.status_code == 409
    body = res.get_json()
    assert body["status"] == "wrong_owner" and body["owner"] == str(users["mon_a"].id)
    assert "pengguna lain" in body["message"]
    assert _count(IncomeSample) == 0


def test_pendamping_item_of_another_owner_is_refused_and_html_post_too(client, field):
    users = field["users"]
    monitor_b = as_user(client.application, "monb@x.id")
    pend = field["pendamping"]["PKH-001"]
    res = monitor_b.post("/pantau/pendamping/catat", data=check_payload(monitor_b, pend, owner=str(users["mon_a"].id)),
                         headers=JSON)
    assert res.status_code == 409 and res.get_json()["status"] == "wrong_owner"
    html = monitor_b.post("/pantau/pendamping/catat", data=check_payload(monitor_b, pend, owner="anonymous"))
    assert html.status_code == 409 and "pengguna lain" in html.get_data(as_text=True)
    assert _count(PendampingCheck) == 0


def test_item_with_own_owner_is_stored_under_that_owner(client, field):
    users = field["users"]
    monitor_a = as_user(client.application, "mona@x.id")
    res = monitor_a.post("/pantau/pendapatan/catat", headers=JSON,
                         data=income_payload(monitor_a, owner=str(users["mon_a"].id)))
    assert res.status_code == 201, res.get_data(as_text=True)
    row = db.session.scalar(select(IncomeSample))
    assert row.monitor_id == users["mon_a"].id and res.get_json()["id"] == row.id


def test_forms_render_the_owner_and_the_outbox_count_link(client, field):
    users = field["users"]
    monitor_a = as_user(client.application, "mona@x.id")
    for path in ("/pantau/pendapatan/catat", "/pantau/pendamping/catat?jenis=PKH"):
        page = monitor_a.get(path).get_data(as_text=True)
        assert f'name="owner" value="{users["mon_a"].id}"' in page
        assert 'href="/pantau/antrean"' in page and "data-outbox-count" in page


def test_pendamping_conflict_names_the_existing_record(client, field):
    monitor_a = as_user(client.application, "mona@x.id")
    pend = field["pendamping"]["PKH-001"]
    first = monitor_a.post("/pantau/pendamping/catat", data=check_payload(monitor_a, pend), headers=JSON)
    second = monitor_a.post("/pantau/pendamping/catat", data=check_payload(monitor_a, pend), headers=JSON)
    assert second.status_code == 409
    body = second.get_json()
    assert body["status"] == "conflict" and body["existing_id"] == first.get_json()["id"]
    assert body["existing_url"] == f"/pantau/pendamping/{body['existing_id']}/ubah"  # its correction page
    assert body["errors"]["__all__"]


def test_outbox_page_is_a_monitor_page(client, field):
    assert client.get("/pantau/antrean").status_code == 302  # to the login page
    monitor_a = as_user(client.application, "mona@x.id")
    page = monitor_a.get("/pantau/antrean")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Antrean kirim" in text and "data-outbox" in text


def test_survey_json_answer_carries_the_short_receipt(client, tree, make_layanan):
    from tests.survey_helpers import payload

    layanan = make_layanan("izin-ugb", tree["psds"], active=True, published=True)
    data = payload(layanan.id)
    data["instance_id"] = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    res = client.post("/s/izin-ugb", data=data, headers=JSON)
    assert res.status_code == 200 and res.get_json()["receipt"] == "0A1B-2C3D"
