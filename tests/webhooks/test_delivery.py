"""Issue 15 webhooks: signed delivery, retries with backoff, the outbox's guarantees (a rolled-back
change sends nothing; a killed worker loses nothing) and the SSRF guard."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core import jobs, transaction
from app.extensions import db
from app.models import WebhookDelivery, WebhookEvent
from app.webhooks import delivery, queue, signing, subscriptions
from tests.survey_helpers import JSON, payload

ALL = ("skm.response.created", "skm.response.flagged")


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)


def _deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_local_receiver_verifies_the_signature(app, client, layanan, receiver, subscribe, memory_queue):
    created = subscribe("DAYASOS", receiver.url, ["skm.response.created"])
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    assert memory_queue.pending_count() == 1  # enqueued after the commit, through huey
    memory_queue.execute(memory_queue.dequeue())
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert signing.verify(created.secret, headers["Pantau-Signature"], body, now=int(time.time()))
    assert not signing.verify("whsec_other", headers["Pantau-Signature"], body, now=int(time.time()))
    assert not signing.verify(created.secret, headers["Pantau-Signature"], body + b" ", now=int(time.time()))
    event = json.loads(body)
    assert event["event"] == "skm.response.created" and event["data"]["layanan"] == "izin-ugb"
    assert event["data"]["unit_id"] == layanan.unit_id and headers["Content-Type"] == "application/json"
    [row] = _deliveries()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(app, client, layanan, receiver, subscribe):
    subscribe("KEMENSOS", receiver.url, ALL)
    receiver.codes = [500, 503]
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    [row] = _deliveries()
    start = row.next_attempt_at
    assert delivery.deliver(row.id, now=start) == "pending"
    transaction.commit()
    assert delivery.deliver(row.id, now=start + timedelta(seconds=10)) is None  # not due yet: backoff
    assert delivery.deliver(row.id, now=start + timedelta(seconds=31)) == "pending"
    transaction.commit()
    [row] = _deliveries()
    assert row.next_attempt_at == start + timedelta(seconds=31 + 60)  # doubled
    assert delivery.deliver(row.id, now=row.next_attempt_at) == "delivered"
    transaction.commit()
    [row] = _deliveries()
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 3, 200)
    assert len(receiver.requests) == 3
    assert len({json.loads(body)["id"] for _h, body in receiver.requests}) == 1  # the same event each time


def test_retries_stop_after_24_hours_as_failed(app, client, layanan, receiver, subscribe):
    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])
    receiver.codes = [500] * 100
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    [row] = _deliveries()
    created_at, now = row.event.created_at, row.next_attempt_at
    for _ in range(40):
        status = delivery.deliver(row.id, now=now)
        transaction.commit()
        [row] = _deliveries()
        if status == "failed":
            break
        assert row.next_attempt_at - now <= timedelta(hours=6)
        now = row.next_attempt_at
    assert row.status == "failed" and row.last_status_code == 500
    assert now <= created_at + timedelta(hours=24) and row.attempts == len(receiver.requests) > 5


def test_a_redirect_is_not_followed(app, client, layanan, receiver, subscribe):
    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])
    receiver.codes = [302]
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    [row] = _deliveries()
    assert delivery.deliver(row.id) == "pending" and len(receiver.requests) == 1


def test_a_rolled_back_change_sends_nothing(app, layanan, receiver, subscribe, memory_queue):
    from app.skm import rules, submit

    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])
    answers = rules.SkmAnswers(instance_id=payload(layanan.id)["instance_id"],
                               answers={f"u{i}": 3 for i in range(1, 10)}, jenis_kelamin="L", usia=40)
    assert submit.record(layanan, answers, channel="import").created
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 1  # in the transaction…
    transaction.rollback()
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 0  # …and gone with it
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0
    transaction.commit()
    assert memory_queue.pending_count() == 0 and queue.sweep(app) == 0 and receiver.requests == []


def test_a_killed_worker_loses_no_event(app, client, layanan, receiver, subscribe, memory_queue):
    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    assert memory_queue.pending_count() == 1
    memory_queue.dequeue()  # the worker took the message and died before sending it
    assert memory_queue.pending_count() == 0
    [row] = _deliveries()
    assert row.status == "pending" and row.attempts == 0
    assert queue.sweep(app) == 1  # the periodic sweep reads the outbox, not the queue
    assert len(receiver.requests) == 1 and _deliveries()[0].status == "delivered"
    assert queue.sweep(app) == 0  # and sends it once


def test_an_unreachable_queue_does_not_fail_the_request(app, client, layanan, receiver, subscribe, monkeypatch):
    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])

    def broken(_ids):
        raise ConnectionError("redis down")

    monkeypatch.setattr(queue, "enqueue", broken)
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    assert [d.status for d in _deliveries()] == ["pending"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://localhost/x", "http://169.254.169.254/latest",
                                 "http://[::1]/x", "http://[fd00::1]/x", "http://10.0.0.5/x", "http://0.0.0.0/",
                                 "http://[::ffff:127.0.0.1]/x"])
def test_production_refuses_internal_addresses_when_subscribing(app, tree, url):
    with pytest.raises(subscriptions.SubscriptionInvalid) as caught:
        subscriptions.add(unit_id=None, unit_code="KEMENSOS", url=url, events=["skm.response.created"], actor=None,
                          production=True)
    assert "url" in caught.value.errors


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "http:///x",
                                 "http://user:pw@example.org/", "http://exa mple.org/", "http://a\x00b/"])
def test_only_http_urls_are_accepted_anywhere(app, tree, url):
    with pytest.raises(subscriptions.SubscriptionInvalid):
        subscriptions.add(unit_id=None, unit_code="KEMENSOS", url=url, events=["skm.response.created"], actor=None,
                          production=False)


def test_production_refuses_an_internal_address_again_at_delivery(app, client, layanan, receiver, subscribe,
                                                                   monkeypatch):
    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])  # accepted in development
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    [row] = _deliveries()
    assert delivery.deliver(row.id) == "pending"
    transaction.commit()
    [row] = _deliveries()
    assert receiver.requests == [] and "tidak diizinkan" in row.last_error and row.last_status_code is None


def test_two_workers_racing_for_one_delivery_send_it_once(app, client, layanan, receiver, subscribe):
    """The queued task and the sweep (or two hosts) may reach the same delivery together."""
    import threading

    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    [row] = _deliveries()
    row_id = row.id
    transaction.commit()
    start = threading.Barrier(4)
    outcomes = []

    def work():
        start.wait()
        outcomes.append(queue.attempt(app, row_id))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [None, None, None, "delivered"]
    assert len(receiver.requests) == 1 and _deliveries()[0].attempts == 1


def test_the_queue_is_sqlite_under_instance_by_default_and_redis_when_configured(app, monkeypatch):
    from huey import RedisHuey, SqliteHuey

    monkeypatch.delitem(app.extensions, jobs.EXTENSION, raising=False)
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", None)
    monkeypatch.setitem(app.config, "WEBHOOK_QUEUE_URL", None)
    default = jobs.get(app)
    assert isinstance(default, SqliteHuey) and default.storage.filename.startswith(app.instance_path)
    assert {queue.DELIVER, "webhooks.sweep", "exports.run", "exports.sweep"} <= set(default.pantau_tasks)
    app.extensions.pop(jobs.EXTENSION)
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "redis://127.0.0.1:6399/1")
    assert isinstance(jobs.get(app), RedisHuey)  # no connection is made until a task is queued
    app.extensions.pop(jobs.EXTENSION)
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", None)
    monkeypatch.setitem(app.config, "WEBHOOK_QUEUE_URL", "redis://127.0.0.1:6399/1")  # the older name still works
    assert isinstance(jobs.get(app), RedisHuey)
    app.extensions.pop(jobs.EXTENSION)
