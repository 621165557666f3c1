"""Issue 15: the webhook admin pages (admins only, scoped by unit subtree; the secret shown once) and the
`webhook add` / `webhook list` commands."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core import transaction
from app.extensions import db
from app.models import AuditEvent, WebhookDelivery, WebhookEvent, WebhookSubscription, utcnow
from tests.helpers import csrf_from, login


@pytest.fixture()
def people(tree, make_user):
    return {
        "root_admin": make_user("root@x.id", "admin", tree["root"]),
        "dayasos_admin": make_user("daya@x.id", "admin", tree["dayasos"]),
        "rehsos_admin": make_user("reh@x.id", "admin", tree["rehsos"]),
        "analyst": make_user("analis@x.id", "analyst", tree["root"]),
        "monitor": make_user("mon@x.id", "monitor", tree["root"]),
    }


@pytest.fixture()
def hooks(people, subscribe):
    rehsos = subscribe("REHSOS", "http://example.org/rehsos", ["skm.response.created"]).subscription
    psds = subscribe("PSDS", "http://example.org/psds", ["skm.response.created"]).subscription
    event = WebhookEvent(name="skm.response.created", unit_id=rehsos.unit_id, entity="skm_response", entity_id="x",
                         payload={}, created_at=utcnow())
    db.session.add(event)
    db.session.flush()
    failed = WebhookDelivery(event_id=event.id, subscription_id=rehsos.id, status="failed", attempts=9,
                             last_status_code=500, next_attempt_at=utcnow())
    db.session.add(failed)
    transaction.commit()
    return {"rehsos": rehsos, "psds": psds, "failed": failed}


def _as(client, email):
    login(client, email)
    return client


def test_only_admins_reach_the_pages(client, app, hooks):
    assert client.get("/admin/webhook").status_code == 302  # to the login page
    for email in ("analis@x.id", "mon@x.id"):
        other = app.test_client()
        login(other, email)
        assert other.get("/admin/webhook").status_code == 403
        assert other.get(f"/admin/webhook/{hooks['rehsos'].id}/log").status_code == 403


def test_an_admin_sees_only_their_subtree(client, app, hooks):
    page = _as(client, "daya@x.id").get("/admin/webhook").get_data(as_text=True)
    assert "example.org/psds" in page and "example.org/rehsos" not in page
    assert client.get(f"/admin/webhook/{hooks['rehsos'].id}/log").status_code == 404
    token = csrf_from(client.get("/admin/webhook").get_data(as_text=True))
    resend = f"/admin/webhook/kirim-ulang/{hooks['failed'].id}"
    assert client.post(resend, data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/webhook/{hooks['rehsos'].id}/nonaktifkan",
                       data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert hooks["rehsos"].active and hooks["failed"].status == "failed"
    root = _as(app.test_client(), "root@x.id").get("/admin/webhook").get_data(as_text=True)
    assert "example.org/psds" in root and "example.org/rehsos" in root


def test_the_delivery_log_and_kirim_ulang(client, hooks):
    _as(client, "reh@x.id")
    log = client.get(f"/admin/webhook/{hooks['rehsos'].id}/log").get_data(as_text=True)
    assert "Gagal" in log and "500" in log and "Kirim ulang" in log
    token = csrf_from(log)
    assert client.post(f"/admin/webhook/kirim-ulang/{hooks['failed'].id}", data={}).status_code == 400  # no CSRF
    db.session.expire_all()
    assert hooks["failed"].status == "failed"
    resend = f"/admin/webhook/kirim-ulang/{hooks['failed'].id}"
    assert client.post(resend, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert hooks["failed"].status == "pending" and hooks["failed"].next_attempt_at <= utcnow()


def test_adding_shows_the_secret_once_and_deactivating(client, people, tree):
    _as(client, "daya@x.id")
    form = client.get("/admin/webhook/baru").get_data(as_text=True)
    assert "REHSOS" not in form  # a sibling unit is not offered
    answer = client.post("/admin/webhook/baru", data={
        "csrf_token": csrf_from(form), "unit_id": str(tree["psds"].id), "url": "https://penerima.example/hook",
        "events": ["skm.response.created", "monitoring.check.corrected"]})
    assert answer.status_code == 200
    secret = re.search(r"whsec_[A-Za-z0-9_-]+", answer.get_data(as_text=True)).group(0)
    row = db.session.scalar(select(WebhookSubscription))
    assert row.secret == secret and row.events == ["skm.response.created", "monitoring.check.corrected"]
    listing = client.get("/admin/webhook").get_data(as_text=True)
    assert secret not in listing and secret not in client.get(f"/admin/webhook/{row.id}/log").get_data(as_text=True)
    audit = " ".join(str(a.after) + str(a.before) for a in db.session.scalars(select(AuditEvent)))
    assert secret not in audit
    sibling = client.post("/admin/webhook/baru", data={
        "csrf_token": csrf_from(form), "unit_id": str(tree["rehsos"].id), "url": "https://x.example/",
        "events": ["skm.response.created"]})
    assert sibling.status_code == 200 and "whsec_" not in sibling.get_data(as_text=True)
    bad = client.post("/admin/webhook/baru", data={
        "csrf_token": csrf_from(form), "unit_id": str(tree["psds"].id), "url": "ftp://x.example/",
        "events": ["bukan.peristiwa"]}).get_data(as_text=True)
    assert "Pilihan tidak valid" in bad
    bad = client.post("/admin/webhook/baru", data={
        "csrf_token": csrf_from(form), "unit_id": str(tree["psds"].id), "url": "ftp://x.example/",
        "events": ["skm.response.created"]}).get_data(as_text=True)
    assert "Hanya URL http" in bad
    assert db.session.query(WebhookSubscription).count() == 1
    client.post(f"/admin/webhook/{row.id}/nonaktifkan", data={"csrf_token": csrf_from(listing)})
    db.session.expire_all()
    assert row.active is False


def test_the_cli_prints_the_secret_once(app, tree):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["webhook", "add", "--unit", "DAYASOS", "--url", "https://penerima.example/h",
                                "--event", "skm.response.created", "--event", "monitoring.income.rejected"])
    assert added.exit_code == 0, added.output
    secret = re.search(r"whsec_[A-Za-z0-9_-]+", added.output).group(0)
    listed = runner.invoke(args=["webhook", "list"])
    assert "DAYASOS" in listed.output and "penerima.example" in listed.output and secret not in listed.output
    wrong = runner.invoke(args=["webhook", "add", "--unit", "TIDAK-ADA", "--url", "https://x.example/",
                                "--event", "skm.response.created"])
    assert wrong.exit_code == 1 and "Unit tidak ditemukan" in wrong.output
    unknown = runner.invoke(args=["webhook", "add", "--unit", "DAYASOS", "--url", "https://x.example/",
                                  "--event", "skm.bukan"])
    assert unknown.exit_code != 0
    db.session.expire_all()
    assert db.session.query(WebhookSubscription).count() == 1
