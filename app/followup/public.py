"""What the public results page shows of the follow-up: actions, status, completion share and last update.

The regulation wants the follow-up to be public, but officers are named only
when the unit opts in (rtl_setting.show_pic), and the kritik dan saran text
linked to an action is never part of what this returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from app.core.local_time import date_id, to_local
from app.extensions import db
from app.followup.rtl import UNSUR_NAMES, Completion, completion_of
from app.models import RtlAction, RtlSetting
from app.models.followup import RTL_STATUSES


@dataclass(frozen=True)
class PublicAction:
    id: int
    has_evidence: bool
    unsur: str
    unsur_name: str
    period: str
    problem: str
    action: str
    status: str
    status_label: str
    pic: str | None  # None unless the unit chose to show officer names
    planned_end: str | None
    completed_on: str | None
    cancel_reason: str | None


@dataclass
class PublicGroup:
    """The actions of one layanan (or of a unit as a whole, layanan_id None)."""

    layanan_id: int | None
    unit_id: int
    actions: list[PublicAction] = field(default_factory=list)
    completion: Completion | None = None
    last_update: str | None = None


def _public_where(unit_ids: list[int], layanan_ids: list[int], period_codes: list[str]) -> list:
    """Actions the public may see: of these units, on a published layanan (or the unit as a whole), these years."""
    return [RtlAction.unit_id.in_(unit_ids),
            RtlAction.layanan_id.in_(layanan_ids) | RtlAction.layanan_id.is_(None),
            or_(*(RtlAction.period.startswith(code, autoescape=True) for code in period_codes))]


def public_action(unit_ids: list[int], layanan_ids: list[int], period_codes: list[str],
                  action_id: int) -> RtlAction | None:
    """One action, when it is shown on the public page (so its evidence file may be served publicly)."""
    if not unit_ids or not period_codes:
        return None
    return db.session.scalar(select(RtlAction).where(RtlAction.id == action_id,
                                                     *_public_where(unit_ids, layanan_ids, period_codes)))


def public_followup(unit_ids: list[int], layanan_ids: list[int], period_codes: list[str], tz_name: str,
                    limit: int = 200) -> dict[int | None, PublicGroup]:
    """Groups keyed by layanan id (unit-level actions under None) for these published layanan and periods.

    `period_codes` are matched as prefixes, so "2025" covers 2025-S1, 2025-Q3 and 2025-03.
    """
    if not unit_ids or not period_codes:
        return {}
    rows = db.session.scalars(
        select(RtlAction).where(*_public_where(unit_ids, layanan_ids, period_codes))
        .order_by(RtlAction.unsur, RtlAction.id).limit(limit)).all()
    show = {s.unit_id: s.show_pic for s in db.session.scalars(
        select(RtlSetting).where(RtlSetting.unit_id.in_({r.unit_id for r in rows})))}
    groups: dict[int | None, PublicGroup] = {}
    latest: dict[int | None, datetime] = {}
    for r in rows:
        group = groups.setdefault(r.layanan_id, PublicGroup(r.layanan_id, r.unit_id))
        group.actions.append(PublicAction(
            id=r.id, has_evidence=bool(r.evidence_file), unsur=r.unsur,
            unsur_name=UNSUR_NAMES.get(r.unsur, r.unsur), period=r.period, problem=r.problem,
            action=r.action, status=r.status, status_label=RTL_STATUSES[r.status],
            pic=r.pic if show.get(r.unit_id) else None,
            planned_end=date_id(r.planned_end) if r.planned_end else None,
            completed_on=date_id(r.completed_on) if r.completed_on else None,
            cancel_reason=r.cancel_reason))
        if r.updated_at and (r.layanan_id not in latest or r.updated_at > latest[r.layanan_id]):
            latest[r.layanan_id] = r.updated_at
    for key, group in groups.items():
        group.completion = completion_of([a.status for a in group.actions])
        group.last_update = date_id(to_local(latest[key], tz_name).date()) if key in latest else None
    return groups
