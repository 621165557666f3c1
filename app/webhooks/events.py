"""What each event says: one function per record type, called by that record's one write path.

Payloads carry ids, dates, statuses and figures, never a NIK or free text a respondent typed
(kritik & saran, notes): a receiver that wants more reads it through the API with a token.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.webhooks.outbox import emit, wanted_events

FLAGS = ("flag_too_fast", "flag_straightline", "flag_repeat_device", "flag_stamp_reused")


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


SKM_RESPONSE_EVENTS = frozenset({"skm.response.created", "skm.response.flagged"})


def skm_response_wanted() -> bool:
    """Whether an active subscription listens for an SKM response event (the cached list of wanted events)."""
    return bool(SKM_RESPONSE_EVENTS & wanted_events())


def skm_response(values: dict, *, unit_id: int | None, layanan_slug: str | None, unit_of=None) -> None:
    """skm.response.created, and skm.response.flagged when a data-quality flag is set. `unit_of`
    (a callable) gives the unit only when somebody listens: the hot path then costs no statement."""
    flags = {name.removeprefix("flag_"): bool(values.get(name)) for name in FLAGS if name in values}
    names = ["skm.response.created"] + (["skm.response.flagged"] if any(flags.values()) else [])
    if not set(names) & wanted_events():
        return
    unit_id = unit_id if unit_id is not None else unit_of()
    payload = {"instance_id": str(values["instance_id"]), "layanan_id": values["layanan_id"],
               "layanan": layanan_slug, "unit_id": unit_id, "period": values.get("period"),
               "submitted_at": _iso(values.get("submitted_at")), "channel": values.get("channel"), "flags": flags}
    for name in names:
        emit(name, unit_id, entity="skm_response", entity_id=payload["instance_id"], payload=payload)


def pendamping_check(record, name: str) -> None:
    """monitoring.check.created / .corrected / .rejected."""
    if name not in wanted_events():
        return
    payload = {"id": record.id, "instance_id": str(record.instance_id), "unit_id": record.unit_id,
               "region_id": record.region_id, "pendamping_id": record.pendamping_id, "type_id": record.type_id,
               "period": record.period, "visit_date": _iso(record.visit_date), "method": record.method,
               "optimal": record.optimal, "status": record.status, "updated_at": _iso(record.updated_at)}
    emit(name, record.unit_id, entity="pendamping_check", entity_id=record.id, payload=payload)


def income_sample(sample, name: str) -> None:
    """monitoring.income.created / .corrected / .rejected (the KPM by id only, never its NIK)."""
    if name not in wanted_events():
        return
    payload = {"id": sample.id, "instance_id": str(sample.instance_id), "unit_id": sample.unit_id,
               "region_id": sample.region_id, "program_id": sample.program_id, "kpm_id": sample.kpm_id,
               "period": sample.period, "monitoring_date": _iso(sample.monitoring_date),
               "income_before": sample.income_before, "income_after": sample.income_after,
               "increased": sample.increased, "eligible": sample.eligible, "status": sample.status,
               "source": sample.source}
    emit(name, sample.unit_id, entity="income_sample", entity_id=sample.id, payload=payload)


def indicator_value(indicator, *, kind: str, year: int, value: float | None, revision: str | None = None) -> None:
    """indicator.value.changed: a manual value (`kind` "manual") or a target revision ("target")."""
    if "indicator.value.changed" not in wanted_events():
        return
    payload = {"indicator_id": indicator.id, "code": indicator.code, "unit_id": indicator.unit_id, "kind": kind,
               "year": year, "value": value, "revision": revision}
    emit("indicator.value.changed", indicator.unit_id, entity="indicator", entity_id=indicator.id, payload=payload)
