"""Sending one delivery (`deliver`) and finding the ones due (`due_ids`).

Run by the huey worker (app.webhooks.queue), never in a web request. The outcome of each attempt
is written to the delivery row, which the admin's delivery log shows. Failures are retried with
exponential backoff (30 s, 1 min, 2 min, … capped at 6 h between tries) until 24 h after the
event; then the delivery is `failed` (an admin may "kirim ulang").
"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.models import WebhookDelivery, utcnow
from app.webhooks import addresses, signing

TIMEOUT_SECONDS = 5.0
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(hours=24)
LEASE = timedelta(minutes=2)  # far longer than one attempt can take (TIMEOUT_SECONDS)
USER_AGENT = "Pantau-Webhook/1"


@dataclass(frozen=True)
class Response:
    status: int | None
    error: str | None = None


def body_of(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    envelope = {"id": event.id, "event": event.name, "created_at": event.created_at.isoformat() + "Z",
                "unit_id": event.unit_id, "entity": event.entity, "entity_id": event.entity_id,
                "data": event.payload}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, **kw)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address or self.host, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, context=ssl.create_default_context(), **kw)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address or self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, production: bool) -> Response:
    """POST once, no redirect followed (a 3xx is a failure), short timeout; the address is checked again."""
    try:
        scheme, host, port, address = addresses.check(url, production=production)
    except addresses.RefusedUrl as err:
        return Response(None, str(err))
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read(4096)
        return Response(answer.status)
    except (OSError, http.client.HTTPException) as err:
        return Response(None, f"{type(err).__name__}: {err}"[:200])
    finally:
        connection.close()


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def lease() -> timedelta:
    """How long a claimed delivery is left to its worker before a sweep may try it again."""
    seconds = current_app.config.get("WEBHOOK_LEASE_SECONDS")
    return timedelta(seconds=float(seconds)) if seconds else LEASE


def claim(delivery_id: int, now: datetime) -> bool:
    """Take a pending, due delivery for one attempt: one conditional UPDATE, so of two workers (the
    queued task and the sweep, or two hosts) exactly one wins, on SQLite as on PostgreSQL. The claim
    pushes next_attempt_at one lease (WEBHOOK_LEASE_SECONDS, default LEASE) ahead: if this worker dies
    before recording the outcome, a later sweep tries again (nothing is lost; a receiver may see the
    event twice and dedupes on its id)."""
    result = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
               WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=now + lease())
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def send_claimed(delivery_id: int, *, now: datetime, send=post) -> str:
    """Send a claimed delivery once and record the outcome (status, attempts, code, next try)."""
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    subscription = delivery.subscription
    if not subscription.active:
        delivery.status, delivery.last_error = "failed", "Langganan dinonaktifkan."
        db.session.flush()
        return delivery.status
    body = body_of(delivery)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               signing.HEADER: signing.signature(subscription.secret, int(time.time()), body),
               "Pantau-Event": delivery.event.name, "Pantau-Delivery": str(delivery.id)}
    answer = send(subscription.url, body, headers, production=current_app.config["PRODUCTION"])
    delivery.attempts += 1
    delivery.last_status_code = answer.status
    if answer.status is not None and 200 <= answer.status < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
    else:
        delivery.last_error = (answer.error or f"HTTP {answer.status}")[:200]
        retry_at = now + backoff(delivery.attempts)
        if retry_at > delivery.event.created_at + GIVE_UP_AFTER:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = retry_at
    db.session.flush()
    return delivery.status


def deliver(delivery_id: int, *, now: datetime | None = None, send=post) -> str | None:
    """Claim and attempt one delivery; its new status, or None when it is not pending and due (or
    another worker has it). Adds, never commits (app.webhooks.queue.attempt commits the claim first)."""
    now = now or utcnow()
    if not claim(delivery_id, now):
        return None
    return send_claimed(delivery_id, now=now, send=send)


def due_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (the sweep: nothing is lost when a worker died)."""
    now = now or utcnow()
    return list(db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))
