"""Webhooks (issue 15): subscriptions, the transactional outbox of events, and one delivery row
per (event, subscription).

Why an outbox: an event row is written in the same transaction as the change it announces, so a
committed change is never lost (a worker that dies before sending leaves its delivery `pending`,
and the next sweep sends it) and a rolled-back change leaves nothing to send.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, sql_in, utcnow
from app.models.org import Unit
from app.models.skm import BigId
from app.models.user import User

EVENTS = (
    "skm.response.created", "skm.response.flagged",
    "monitoring.check.created", "monitoring.check.corrected", "monitoring.check.rejected",
    "monitoring.income.created", "monitoring.income.corrected", "monitoring.income.rejected",
    "indicator.value.changed",
)
DELIVERY_STATUS = ("pending", "delivered", "failed")


class WebhookSubscription(Base):
    """A URL told about `events` happening anywhere in the subtree of `unit_id`.

    The secret signs every body; it is kept (a hash could not sign) but shown only once, when made.
    """
    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()


class WebhookEvent(Base):
    """One announced change (the outbox row); its payload never holds a NIK."""
    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WebhookDelivery(Base):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(DELIVERY_STATUS)})", name="status"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="CASCADE"),
                                                 index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(SmallInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    event: Mapped[WebhookEvent] = relationship()
    subscription: Mapped[WebhookSubscription] = relationship()
