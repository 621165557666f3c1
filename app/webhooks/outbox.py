"""Emitting webhook events (`emit`): the outbox rows are added in the caller's transaction.

Why in the same transaction: a committed change is always announced and a rolled-back one never is
(the rows go with it). Sending happens later, after the commit (app.webhooks.queue).

The survey POST is a hot path (tests/skm/test_survey_hot_path.py counts its statements), so whether
anybody subscribes to an event at all is cached per process, like app.skm.lookup: an edit of a
subscription in this process clears it at once, other processes notice within WEBHOOK_LOOKUP_TTL
seconds. With no subscriber, `emit` costs no statement.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Unit, WebhookDelivery, WebhookEvent, WebhookSubscription, utcnow

DEFAULT_TTL = 30.0
PENDING_KEY = "webhook_deliveries"

_lock = threading.Lock()
_generation = 0
_wanted: tuple[float, int, frozenset[str]] | None = None


def clear() -> None:
    global _generation, _wanted
    with _lock:
        _generation += 1
        _wanted = None


def wanted_events() -> frozenset[str]:
    """Event names some active subscription listens to (cached)."""
    global _wanted
    now = time.monotonic()
    hit = _wanted
    if hit is not None and hit[0] > now and hit[1] == _generation:
        return hit[2]
    generation = _generation
    names: set[str] = set()
    for events in db.session.scalars(select(WebhookSubscription.events).where(WebhookSubscription.active)):
        names.update(events or ())
    result = frozenset(names)
    with _lock:
        if generation == _generation:
            _wanted = (now + float(current_app.config.get("WEBHOOK_LOOKUP_TTL", DEFAULT_TTL)), generation, result)
    return result


def unit_ancestor_ids(unit_id: int):
    """Ids of a unit and every unit above it (recursive CTE): a subscription on any of them covers it."""
    up = select(Unit.id, Unit.parent_id).where(Unit.id == unit_id).cte(recursive=True)
    up = up.union_all(select(Unit.id, Unit.parent_id).join(up, Unit.id == up.c.parent_id))
    return select(up.c.id)


def emit(name: str, unit_id: int, *, entity: str, entity_id: Any, payload: dict[str, Any]) -> WebhookEvent | None:
    """Add the event and one pending delivery per matching active subscription; adds and flushes,
    never commits. Nothing at all (and no statement when nobody listens) without a subscriber."""
    if name not in wanted_events():
        return None
    subscriptions = [s for s in db.session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.active, WebhookSubscription.unit_id.in_(unit_ancestor_ids(unit_id))))
        if name in (s.events or ())]
    if not subscriptions:
        return None
    now = utcnow()
    row = WebhookEvent(name=name, unit_id=unit_id, entity=entity, entity_id=str(entity_id), payload=payload,
                       created_at=now)
    db.session.add(row)
    deliveries = [WebhookDelivery(event=row, subscription_id=s.id, status="pending", attempts=0, next_attempt_at=now)
                  for s in subscriptions]
    db.session.add_all(deliveries)
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).extend(d.id for d in deliveries)
    return row


# ---- cache invalidation and "send after commit" hooks ---------------------------------------

def _before_flush(session, _context, _instances):
    if any(isinstance(obj, WebhookSubscription) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["webhook_lookup_dirty"] = True
        clear()


def _after_commit(session):
    if session.info.pop("webhook_lookup_dirty", False):
        clear()
    ids = session.info.pop(PENDING_KEY, None)
    if ids:
        from app.webhooks import queue  # the queue imports this module's caller chain lazily

        queue.enqueue_after_commit(ids)


def _after_rollback(session, previous):
    # A savepoint rolled back leaves the outer transaction's deliveries to send (a stale id is skipped).
    if not previous.nested:
        session.info.pop(PENDING_KEY, None)
    if session.info.pop("webhook_lookup_dirty", False):
        clear()


_LISTENERS = (("before_flush", _before_flush), ("after_commit", _after_commit),
              ("after_soft_rollback", _after_rollback))


def watch() -> None:
    """Install the hooks (from init_app; a second create_app adds nothing)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
