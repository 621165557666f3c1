"""Rencana tindak lanjut: proposals from the NRR per unsur, the action lifecycle, and completion shares.

Services take plain values and the acting user; the route owns the transaction.
Scope is checked here too (not only in the view), so a CLI or another caller
cannot write outside the acting user's unit subtree. Every change writes an
audit event with the before/after snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from analysis.ikm import UNSUR
from app.core import audit
from app.core.periods import Period, parse_period
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup import evidence_files
from app.models import Layanan, RtlAction, RtlSetting, SkmResponse, Unit, User
from app.models.followup import DEFAULT_NRR_THRESHOLD, RTL_STATUSES
from app.skm import summary as skm_stats

UNSUR_NAMES = {u.code: u.name for u in UNSUR}
EDITOR_ROLES = ("analyst", "admin")


class FollowupError(ValueError):
    """A rule the user broke; the message is Indonesian and safe to show."""


class NotPermitted(PermissionError):
    """The acting user may not touch this unit."""


def subtree_ids(unit_id: int) -> list[int]:
    """The unit and every unit below it."""
    return list(db.session.scalars(unit_subtree_ids(unit_id)))


def in_scope(user: User, unit_id: int) -> bool:
    """May this user edit follow-up of this unit (analyst/admin, unit in their subtree)?"""
    return user.role in EDITOR_ROLES and unit_id in set(subtree_ids(user.unit_id))


def _require_scope(user: User, unit_id: int) -> None:
    if not in_scope(user, unit_id):
        raise NotPermitted()


# ---- settings -------------------------------------------------------------------------------

def settings_for(unit_id: int) -> RtlSetting:
    """The unit's settings, or unsaved defaults."""
    row = db.session.get(RtlSetting, unit_id)
    return row or RtlSetting(unit_id=unit_id, nrr_threshold=DEFAULT_NRR_THRESHOLD, show_pic=False)


def save_settings(actor: User, unit_id: int, nrr_threshold: float, show_pic: bool) -> RtlSetting:
    if actor.role != "admin":
        raise NotPermitted()
    _require_scope(actor, unit_id)
    if not 1.0 <= nrr_threshold <= 4.0:
        raise FollowupError("Ambang NRR harus antara 1,00 dan 4,00.")
    row = db.session.get(RtlSetting, unit_id)
    before = audit.snapshot(row) if row else None
    if row is None:
        row = RtlSetting(unit_id=unit_id)
        db.session.add(row)
    row.nrr_threshold = round(nrr_threshold, 2)
    row.show_pic = show_pic
    db.session.flush()
    audit.record("rtl.settings", row, before=before, actor=actor)
    return row


# ---- proposals --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    unsur: str
    name: str
    nrr: float
    lowest: bool
    below_threshold: bool

    @property
    def reason(self) -> str:
        parts = []
        if self.lowest:
            parts.append("NRR terendah")
        if self.below_threshold:
            parts.append("di bawah ambang")
        return " · ".join(parts)


def proposals(layanan_ids: list[int], period: Period, threshold: float) -> list[Proposal]:
    """The unsur to act on: the lowest NRR, and every unsur below `threshold`; lowest first.

    Read from the trigger-kept summary (skm_stats.ikm_for), never from the responses.
    """
    result = skm_stats.ikm_for(layanan_ids, period)
    if result is None or not result.nrr:
        return []
    lowest = min(result.nrr.values())
    rows = [
        Proposal(code, UNSUR_NAMES.get(code, code), nrr, nrr == lowest, nrr < threshold)
        for code, nrr in result.nrr.items()
        if nrr == lowest or nrr < threshold
    ]
    return sorted(rows, key=lambda p: (p.nrr, p.unsur))


# ---- actions ------------------------------------------------------------------------------------

@dataclass
class ActionInput:
    """What a user may set on an action (plain values, already parsed at the edge)."""

    unsur: str
    problem: str
    action: str
    pic: str
    planned_start: date | None = None
    planned_end: date | None = None
    status: str = "rencana"
    cancel_reason: str | None = None
    evidence_note: str | None = None
    completed_on: date | None = None
    kritik_ids: tuple[int, ...] = ()
    evidence: bytes | None = None  # a new evidence file (checked and stored by app.followup.evidence_files)
    remove_evidence: bool = False


def _validate(data: ActionInput) -> None:
    if data.unsur not in UNSUR_NAMES:
        raise FollowupError("Unsur tidak dikenal.")
    if data.status not in RTL_STATUSES:
        raise FollowupError("Status tidak dikenal.")
    for label, text in (("Permasalahan", data.problem), ("Rencana tindak lanjut", data.action),
                        ("Penanggung jawab", data.pic)):
        if not (text or "").strip():
            raise FollowupError(f"{label} wajib diisi.")
    if data.planned_start and data.planned_end and data.planned_end < data.planned_start:
        raise FollowupError("Rencana selesai tidak boleh sebelum rencana mulai.")
    if data.status == "dibatalkan" and not (data.cancel_reason or "").strip():
        raise FollowupError("Alasan pembatalan wajib diisi.")
    if data.status == "selesai" and data.completed_on is None:
        raise FollowupError("Tanggal selesai wajib diisi untuk tindak lanjut yang selesai.")
    if data.status != "selesai" and data.completed_on is not None:
        raise FollowupError("Tanggal selesai hanya diisi bila status Selesai.")


def _kritik_rows(layanan_ids: list[int], period: Period, ids: tuple[int, ...]) -> list[SkmResponse]:
    """The linked kritik items, each of which must belong to these layanan and period and carry text."""
    if not ids:
        return []
    rows = db.session.scalars(select(SkmResponse).where(
        SkmResponse.id.in_(ids), SkmResponse.layanan_id.in_(layanan_ids),
        SkmResponse.period.between(period.start, period.end),
        SkmResponse.kritik_saran.is_not(None))).all()
    if len(rows) != len(set(ids)):
        raise FollowupError("Kritik dan saran yang ditautkan tidak ditemukan pada layanan dan periode ini.")
    return list(rows)


def target_layanan_ids(unit_id: int, layanan_id: int | None) -> list[int]:
    """The layanan an action covers: the one chosen, or every layanan of the unit subtree."""
    if layanan_id is not None:
        return [layanan_id]
    return list(db.session.scalars(select(Layanan.id).where(Layanan.unit_id.in_(unit_subtree_ids(unit_id)))))


def _apply(obj: RtlAction, data: ActionInput, layanan_ids: list[int], period: Period) -> None:
    obj.unsur = data.unsur
    obj.problem = data.problem.strip()
    obj.action = data.action.strip()
    obj.pic = data.pic.strip()
    obj.planned_start = data.planned_start
    obj.planned_end = data.planned_end
    obj.status = data.status
    obj.cancel_reason = (data.cancel_reason or "").strip() or None if data.status == "dibatalkan" else None
    obj.evidence_note = (data.evidence_note or "").strip() or None
    obj.completed_on = data.completed_on
    obj.kritik = _kritik_rows(layanan_ids, period, data.kritik_ids)


def _snapshot(obj: RtlAction) -> dict:
    snap = audit.snapshot(obj)
    snap["kritik_ids"] = [r.id for r in obj.kritik]
    return snap


def _evidence(obj: RtlAction, data: ActionInput, instance_path: str | None) -> None:
    """Store a new evidence file (replacing the old one) or drop it; files are checked before anything changes.

    The old file goes only when the transaction commits, a new one stays only if it does.
    """
    if data.evidence is None and not data.remove_evidence:
        return
    if instance_path is None:
        raise ValueError("instance_path is needed to store evidence")
    try:
        new = evidence_files.keep_if_committed(data.evidence, instance_path) if data.evidence else None
    except evidence_files.EvidenceError as err:
        raise FollowupError(str(err)) from None
    evidence_files.remove_when_committed(obj.evidence_file, instance_path)
    obj.evidence_file = new


def create_action(actor: User, unit: Unit, layanan: Layanan | None, period: Period, data: ActionInput,
                  instance_path: str | None = None) -> RtlAction:
    if layanan is not None and layanan.unit_id != unit.id:
        unit = layanan.unit
    _require_scope(actor, unit.id)
    _validate(data)
    obj = RtlAction(unit_id=unit.id, layanan_id=layanan.id if layanan else None, period=period.code)
    _apply(obj, data, target_layanan_ids(unit.id, obj.layanan_id), period)
    _evidence(obj, data, instance_path)
    db.session.add(obj)
    db.session.flush()
    audit.record("rtl.create", obj, after=_snapshot(obj), actor=actor)
    return obj


def update_action(actor: User, obj: RtlAction, data: ActionInput, instance_path: str | None = None) -> RtlAction:
    _require_scope(actor, obj.unit_id)
    _validate(data)
    before = _snapshot(obj)
    _apply(obj, data, target_layanan_ids(obj.unit_id, obj.layanan_id), parse_period(obj.period))
    _evidence(obj, data, instance_path)
    db.session.flush()
    audit.record("rtl.update", obj, before=before, after=_snapshot(obj), actor=actor)
    return obj


def delete_action(actor: User, obj: RtlAction, instance_path: str | None = None) -> None:
    _require_scope(actor, obj.unit_id)
    before = _snapshot(obj)
    audit.record("rtl.delete", obj, before=before, actor=actor)
    db.session.delete(obj)
    db.session.flush()
    if instance_path is not None:
        evidence_files.remove_when_committed(obj.evidence_file, instance_path)


# ---- completion ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Completion:
    """Completed actions over actions still counted (cancelled ones are left out of both)."""

    total: int
    done: int
    cancelled: int

    @property
    def counted(self) -> int:
        return self.total - self.cancelled

    @property
    def share(self) -> float | None:
        """Percentage of counted actions that are done; None when there is nothing to count."""
        return 100.0 * self.done / self.counted if self.counted else None


def completion_of(statuses: list[str]) -> Completion:
    return Completion(len(statuses), statuses.count("selesai"), statuses.count("dibatalkan"))


@dataclass(frozen=True)
class CompletionReport:
    overall: Completion
    by_layanan: dict[int | None, Completion]  # None: actions for the whole unit
    by_unit: dict[int, Completion]


def completion(unit_ids: list[int], period_code: str) -> CompletionReport:
    """Completion shares for the given units and period, computed from the action rows."""
    rows = db.session.execute(select(RtlAction.unit_id, RtlAction.layanan_id, RtlAction.status).where(
        RtlAction.unit_id.in_(unit_ids), RtlAction.period == period_code)).all()
    by_layanan: dict[int | None, list[str]] = {}
    by_unit: dict[int, list[str]] = {}
    for unit_id, layanan_id, status in rows:
        by_layanan.setdefault(layanan_id, []).append(status)
        by_unit.setdefault(unit_id, []).append(status)
    return CompletionReport(
        overall=completion_of([r.status for r in rows]),
        by_layanan={k: completion_of(v) for k, v in by_layanan.items()},
        by_unit={k: completion_of(v) for k, v in by_unit.items()},
    )


def actions_stmt(unit_ids, period_code: str, layanan_id: int | None = None):
    """Actions of these units and period, by unsur then newest; the caller paginates."""
    stmt = select(RtlAction).where(RtlAction.unit_id.in_(unit_ids), RtlAction.period == period_code)
    if layanan_id is not None:
        stmt = stmt.where(RtlAction.layanan_id == layanan_id)
    return stmt.order_by(RtlAction.unsur, RtlAction.id.desc())


def kritik_choices(layanan_ids: list[int], period: Period, limit: int = 100) -> list[tuple[int, str]]:
    """Recent kritik dan saran items of these layanan and period, to link as the problem's evidence."""
    if not layanan_ids:
        return []
    rows = db.session.execute(select(SkmResponse.id, SkmResponse.kritik_saran).where(
        SkmResponse.layanan_id.in_(layanan_ids), SkmResponse.period.between(period.start, period.end),
        SkmResponse.kritik_saran.is_not(None), func.length(SkmResponse.kritik_saran) > 0)
        .order_by(SkmResponse.submitted_at.desc(), SkmResponse.id.desc()).limit(limit))
    return [(rid, text if len(text) <= 140 else text[:139] + "…") for rid, text in rows]
