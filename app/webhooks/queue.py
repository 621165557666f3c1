"""The webhook tasks on the app's job queue (app.core.jobs): one delivery attempt per message, and
a sweep each minute.

After a commit that wrote deliveries, each delivery id is enqueued (app.webhooks.outbox hooks).
The outbox row, not the queue message, is the truth: a periodic task sweeps every pending, due
delivery each minute, so a message lost with a killed worker or an unreachable Redis only delays
the event, and a retry is simply the row's next_attempt_at coming due.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app
from huey import Huey, crontab

from app.core import jobs, transaction
from app.models import utcnow
from app.webhooks import delivery

DELIVER = "webhooks.deliver"
log = logging.getLogger(__name__)


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


def add_tasks(app: Flask, huey: Huey) -> dict:
    """The webhook tasks (registered from init_app through app.core.jobs.register)."""

    @huey.task(name=DELIVER)
    def deliver_task(delivery_id: int) -> None:
        attempt(app, delivery_id)

    @huey.periodic_task(crontab(minute="*"), name="webhooks.sweep")
    def sweep_task() -> None:
        sweep(app)

    return {DELIVER: deliver_task, "webhooks.sweep": sweep_task}


def enqueue(ids) -> None:
    task = jobs.task(current_app._get_current_object(), DELIVER)
    for delivery_id in ids:
        task(delivery_id)


def enqueue_after_commit(ids) -> None:
    """Called from the after_commit hook: never let a queue failure reach the user, whose change is
    already committed; the sweep sends it within a minute."""
    try:
        enqueue(ids)
    except Exception:  # noqa: BLE001 - Redis down, disk full…: the outbox row stays pending
        log.warning("webhook: antrean tidak dapat dihubungi; pengiriman menunggu sapuan berikutnya", exc_info=True)
