"""Keeping webhook subscriptions: add (the secret is returned once), deactivate, list, the delivery
log and "kirim ulang". Scoped by the acting admin's unit subtree; audited."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Select, select

from app.core import audit
from app.core.scoping import get_scoped_or_404, scoped, unit_clause
from app.extensions import db
from app.models import Unit, User, WebhookDelivery, WebhookEvent, WebhookSubscription, utcnow
from app.models.webhook import EVENTS
from app.webhooks import addresses

HIDDEN = ("password_hash", "secret")  # the secret never reaches the audit log


class SubscriptionInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


@dataclass(frozen=True)
class Created:
    subscription: WebhookSubscription
    secret: str  # shown once; never displayed again


def register_scopes() -> None:
    from app.core.scoping import register_scope

    register_scope(WebhookSubscription, lambda user: unit_clause(WebhookSubscription.unit_id, user))
    register_scope(WebhookDelivery, lambda user: WebhookDelivery.subscription_id.in_(
        select(WebhookSubscription.id).where(unit_clause(WebhookSubscription.unit_id, user))))


def unit_choices(user: User) -> list[tuple[int, str]]:
    return [(u.id, f"{u.code} {u.name}") for u in db.session.scalars(scoped(Unit, user).order_by(Unit.code))]


def add(*, unit_id: int | None, url: str, events: list[str], actor: User | None, production: bool,
        unit_code: str | None = None) -> Created:
    """Validate and store a subscription; `actor` None is the CLI (no scope: the operator owns the server)."""
    errors: dict[str, list[str]] = {}
    unit = None
    if unit_code is not None:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    elif unit_id is not None:
        unit = db.session.scalar((scoped(Unit, actor) if actor else select(Unit)).where(Unit.id == unit_id))
    if unit is None:
        errors["unit"] = ["Unit tidak ditemukan di cakupan Anda."]
    url = (url or "").strip()
    try:
        addresses.check(url, production=production)
    except addresses.RefusedUrl as err:
        errors["url"] = [str(err)]
    events = list(dict.fromkeys(events or ()))
    unknown = [e for e in events if e not in EVENTS]
    if not events or unknown:
        errors["events"] = [f"Peristiwa tidak dikenal: {', '.join(unknown)}." if unknown
                            else "Pilih minimal satu peristiwa."]
    if errors:
        raise SubscriptionInvalid(errors)
    secret = "whsec_" + secrets.token_urlsafe(32)
    row = WebhookSubscription(unit_id=unit.id, url=url, events=events, secret=secret, active=True,
                              created_by_id=actor.id if actor else None, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("create", row, actor=actor, after=audit.snapshot(row, exclude=HIDDEN))
    return Created(row, secret)


def in_scope(user: User) -> Select:
    return scoped(WebhookSubscription, user).order_by(WebhookSubscription.active.desc(), WebhookSubscription.id)


def every() -> list[WebhookSubscription]:
    return list(db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def get(subscription_id: int, user: User) -> WebhookSubscription:
    return get_scoped_or_404(WebhookSubscription, subscription_id, user)


def deactivate(subscription: WebhookSubscription, *, actor: User) -> bool:
    if not subscription.active:
        return False
    before = audit.snapshot(subscription, exclude=HIDDEN)
    subscription.active = False
    db.session.flush()
    audit.record("update", subscription, before=before, actor=actor, after=audit.snapshot(subscription, exclude=HIDDEN))
    return True


def deliveries(subscription: WebhookSubscription) -> Select:
    """The delivery log of one subscription, newest first (the caller pages it)."""
    return (select(WebhookDelivery).join(WebhookDelivery.event).where(
        WebhookDelivery.subscription_id == subscription.id).order_by(WebhookEvent.id.desc(), WebhookDelivery.id.desc()))


def requeue(delivery_id: int, *, actor: User) -> WebhookDelivery:
    """"Kirim ulang": pending again and due now, whatever its status (the attempts count is kept)."""
    delivery = get_scoped_or_404(WebhookDelivery, delivery_id, actor)
    before = audit.snapshot(delivery)
    delivery.status, delivery.next_attempt_at = "pending", utcnow()
    db.session.flush()
    audit.record("update", delivery, before=before, actor=actor)
    db.session.info.setdefault("webhook_deliveries", []).append(delivery.id)
    return delivery
