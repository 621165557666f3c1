"""The job queue (huey): SQLite file under instance/ by default, Redis in production
(WEBHOOK_QUEUE_URL=redis://…), memory for tests.

After a commit that wrote deliveries, each delivery id is enqueued (app.webhooks.outbox hooks).
The outbox row, not the queue message, is the truth: a periodic task sweeps every pending, due
delivery each minute, so a message lost with a killed worker or an unreachable Redis only delays
the event, and a retry is simply the row's next_attempt_at coming due.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from app.core import transaction
from app.models import utcnow
from app.webhooks import delivery

EXTENSION = "webhooks_queue"
log = logging.getLogger(__name__)


def _storage(app: Flask) -> Huey:
    url = app.config.get("WEBHOOK_QUEUE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("pantau-webhooks", url=url, results=False)
    if url == "memory://":
        return MemoryHuey("pantau-webhooks", results=False)
    path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "webhooks-queue.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("pantau-webhooks", filename=path, results=False)


def attempt(app: Flask, delivery_id: int) -> str | None:
    """One delivery attempt (the worker's unit of work): the claim and the outcome are two commits."""
    with app.app_context():
        try:
            now = utcnow()
            claimed = delivery.claim(delivery_id, now)
            transaction.commit()  # the claim is seen by every other worker before anything is sent
            if not claimed:
                return None
            status = delivery.send_claimed(delivery_id, now=now)
            transaction.commit()
            return status
        except Exception:
            transaction.rollback()
            raise


def sweep(app: Flask) -> int:
    """Attempt every pending delivery that is due; how many were tried."""
    with app.app_context():
        ids = delivery.due_ids()
    for delivery_id in ids:
        attempt(app, delivery_id)
    return len(ids)


def get(app: Flask) -> Huey:
    """The app's huey, built on first use (tests move instance_path after create_app)."""
    huey = app.extensions.get(EXTENSION)
    if huey is not None:
        return huey
    huey = _storage(app)
    huey.immediate = bool(app.config.get("WEBHOOK_QUEUE_IMMEDIATE", False))

    @huey.task(name="webhooks.deliver")
    def deliver_task(delivery_id: int) -> None:
        attempt(app, delivery_id)

    @huey.periodic_task(crontab(minute="*"), name="webhooks.sweep")
    def sweep_task() -> None:
        sweep(app)

    huey.deliver_task = deliver_task
    app.extensions[EXTENSION] = huey
    return huey


def enqueue(ids) -> None:
    task = get(current_app._get_current_object()).deliver_task
    for delivery_id in ids:
        task(delivery_id)


def enqueue_after_commit(ids) -> None:
    """Called from the after_commit hook: never let a queue failure reach the user, whose change is
    already committed; the sweep sends it within a minute."""
    try:
        enqueue(ids)
    except Exception:  # noqa: BLE001 - Redis down, disk full…: the outbox row stays pending
        log.warning("webhook: antrean tidak dapat dihubungi; pengiriman menunggu sapuan berikutnya", exc_info=True)


def run_worker(app: Flask, workers: int) -> None:
    """The consumer in the foreground (`flask --app wsgi worker`), logging to stderr."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    consumer = get(app).create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
