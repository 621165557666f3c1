"""The job queue on a real Redis (issue 15): a webhook delivery and an export job consumed by a real
huey consumer, and a worker process killed with SIGKILL in the middle of a delivery losing nothing.

Redis is at TEST_REDIS_URL (default redis://127.0.0.1:6379/1, as in CI). These tests FAIL when it
cannot be reached (never skip), and flush only their own database number.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from huey import RedisHuey
from sqlalchemy import select

from app.core import jobs
from app.extensions import db
from app.models import ExportJob, WebhookDelivery, utcnow
from tests.factories import store_responses
from tests.helpers import login
from tests.survey_helpers import JSON, payload

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as err:
        pytest.fail(f"Redis tidak dapat dihubungi di {REDIS_URL} ({err}); jalankan redis-server atau set "
                    "TEST_REDIS_URL. Tes antrean Redis tidak boleh dilewati.")
    client.flushdb()  # this database number only
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture()
def redis_queue(app, redis_url, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", redis_url)
    monkeypatch.delitem(app.extensions, jobs.EXTENSION, raising=False)
    huey = jobs.get(app)
    assert isinstance(huey, RedisHuey)
    yield huey
    app.extensions.pop(jobs.EXTENSION, None)


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # end this session's snapshot: see what the workers committed
        db.session.expire_all()
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"menunggu terlalu lama: {what}")


def _delivery() -> WebhookDelivery | None:
    return db.session.scalars(select(WebhookDelivery)).first()


def test_a_real_consumer_on_redis_runs_a_webhook_delivery_and_an_export_job(app, client, layanan, receiver,
                                                                            subscribe, redis_queue, make_user,
                                                                            monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", 5)
    store_responses(layanan, {}, 6, month="2026-03")
    make_user("analis@x.id", "analyst", layanan.unit)
    subscribe("DAYASOS", receiver.url, ["skm.response.created"])

    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    login(client, "analis@x.id")
    answer = client.get("/laporan/ikm.csv?period=2026")  # with the survey response just sent
    assert answer.status_code == 302
    assert redis_queue.pending_count() == 2  # both messages are in Redis, nothing has run

    consumer = redis_queue.create_consumer(workers=2, worker_type="thread", periodic=False)
    consumer.start()
    try:
        _wait(lambda: (d := _delivery()) is not None and d.status == "delivered", 30, "webhook terkirim")
        job = _wait(lambda: db.session.scalars(select(ExportJob).where(ExportJob.status == "selesai")).first(),
                    30, "ekspor selesai")
    finally:
        consumer.stop(graceful=True)
    assert len(receiver.requests) == 1 and json.loads(receiver.requests[0][1])["event"] == "skm.response.created"
    assert job.rows_done == job.rows_total == 7
    download = client.get(f"/laporan/ekspor/{job.id}/unduh")
    assert download.status_code == 200 and download.data.count(b"\r\n") == 8  # header and seven rows
    assert redis_queue.pending_count() == 0


def _worker(database_url: str, redis_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "JOB_QUEUE_URL": redis_url, "SECRET_KEY": "test-secret-key",
           "NIK_HMAC_KEY": "test-nik-key", "WEBHOOK_LEASE_SECONDS": "2", "PANTAU_ENV": "development"}
    env.pop("WEBHOOK_QUEUE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_a_worker_killed_mid_delivery_loses_no_event(app, client, layanan, receiver, subscribe, redis_queue,
                                                     redis_url, database_url):
    subscribe("KEMENSOS", receiver.url, ["skm.response.created"])
    receiver.hold = threading.Event()  # the receiver keeps the first worker waiting in mid-delivery
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    assert redis_queue.pending_count() == 1

    first = _worker(database_url, redis_url)
    try:
        deadline = time.monotonic() + 60
        while not receiver.requests and time.monotonic() < deadline:
            assert first.poll() is None, first.stderr.read().decode()[-2000:]
            time.sleep(0.1)
        assert receiver.requests, "the worker never started the delivery"
        first.send_signal(signal.SIGKILL)  # kill -9 while the POST is in flight
        first.wait(timeout=10)
    finally:
        _stop(first)
        receiver.hold.set()
        receiver.hold = None
    assert first.returncode == -signal.SIGKILL
    row = _wait(_delivery, 5, "delivery row")
    assert (row.status, row.attempts) == ("pending", 0)  # the outcome never reached the database
    redis_queue.flush()  # and whatever the worker left in Redis is lost too: only the outbox remains
    _wait(lambda: _delivery().next_attempt_at <= utcnow(), 10, "the dead worker's lease to run out")

    second = _worker(database_url, redis_url)
    try:
        # its first periodic sweep, at start, reads the outbox and sends the event again
        row = _wait(lambda: (d := _delivery()).status == "delivered" and d, 60, "pengiriman ulang")
    finally:
        _stop(second)
    assert (row.attempts, row.last_status_code) == (1, 200)
    ids = [json.loads(body)["id"] for _headers, body in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]  # the same event (receivers dedupe on its id)
