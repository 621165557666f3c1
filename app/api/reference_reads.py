"""What the API reads of the reference data a script needs to write: pendamping types with the
checklist in force, checklist versions with their criterion codes, income programmes, poverty
lines, and the pendamping a monitor may check.

Types, checklists, programmes and poverty lines are national references (changed only by admins
of the root unit, app.core.reference_authority) that every signed-in role already meets on the
pages: the check form shows the checklist, the income form the programmes, the indicator page the
poverty lines. So every token reads them whole. The pendamping registry is scoped
(app.monitoring.scope): a monitor gets exactly the choices of the check form, an admin the registry.

Checklist versions, poverty lines and the registry grow, so they are walked by cursor like every
other list (app.api.reads; the national lists take the user only to be walked alike, as
reads.regions does); the type and programme lists are a handful of rows and come whole.
"""
from __future__ import annotations

from sqlalchemy import select

from app.api.reads import Page, _walk
from app.core.scoping import scoped
from app.extensions import db
from app.models import ChecklistVersion, Pendamping, PendampingType, PovertyLine, User
from app.monitoring import reference


def criterion_json(c) -> dict:
    return {"code": c.code, "text": c.text, "mandatory": bool(c.mandatory)}


def checklist_json(v: ChecklistVersion) -> dict:
    return {"id": v.id, "type_id": v.type_id, "type_code": v.type.code, "version": v.version,
            "active": bool(v.active), "criteria": [criterion_json(c) for c in v.criteria]}


def _in_force() -> dict[int, int]:
    """type id -> id of its checklist version in force (the newest active, app.monitoring.checklists)."""
    rows = db.session.execute(select(ChecklistVersion.type_id, ChecklistVersion.id).where(
        ChecklistVersion.active.is_(True)).order_by(ChecklistVersion.type_id, ChecklistVersion.version))
    return {type_id: version_id for type_id, version_id in rows}  # the last (newest) one wins


def pendamping_types() -> list[dict]:
    """Every type, in the admin page's order, with the id of the checklist version a check of it
    must name (`checklist_version_id`), or null when it has none in force."""
    in_force = _in_force()
    return [{"id": t.id, "code": t.code, "name": t.name, "active": bool(t.active),
             "checklist_version_id": in_force.get(t.id)} for t in reference.pendamping_types()]


def checklists(user: User, cursor: str | None, limit: int, *, type_code: str | None = None,
               active: bool | None = None) -> Page:
    """Checklist versions with their criteria; `active=true` leaves the one in force per type."""
    stmt = select(ChecklistVersion)
    if type_code:
        stmt = stmt.where(ChecklistVersion.type_id.in_(
            select(PendampingType.id).where(PendampingType.code == type_code.strip().upper())))
    if active is not None:
        stmt = stmt.where(ChecklistVersion.active.is_(active))
    return _walk(ChecklistVersion, stmt, cursor, limit, checklist_json)


def checklist(version_id: int) -> dict | None:
    version = db.session.get(ChecklistVersion, version_id)
    return None if version is None else checklist_json(version)


def programs() -> list[dict]:
    return [{"id": p.id, "code": p.code, "name": p.name, "active": bool(p.active)}
            for p in reference.income_programs()]


def poverty_line_json(line: PovertyLine) -> dict:
    return {"id": line.id, "province_id": line.province_id, "province_code": line.province.code,
            "province_name": line.province.name, "period": line.period, "extreme_line": line.extreme_line,
            "poverty_line": line.poverty_line, "is_demo": bool(line.is_demo), "source": line.source}


def poverty_lines(user: User, cursor: str | None, limit: int, *, province_id: int | None = None) -> Page:
    stmt = select(PovertyLine)
    if province_id is not None:
        stmt = stmt.where(PovertyLine.province_id == province_id)
    return _walk(PovertyLine, stmt, cursor, limit, poverty_line_json)


def pendamping_json(p: Pendamping) -> dict:
    return {"id": p.id, "identifier": p.identifier, "name": p.name, "type_id": p.type_id, "type_code": p.type.code,
            "unit_id": p.unit_id, "region_id": p.region_id, "kecamatan_id": p.kecamatan_id, "status": p.status}


def pendamping(user: User, cursor: str | None, limit: int, *, type_code: str | None = None,
               status: str | None = None) -> Page:
    """The pendamping registry within the user's scope (a monitor's: the check form's choices)."""
    stmt = scoped(Pendamping, user)
    if type_code:
        stmt = stmt.where(Pendamping.type_id.in_(
            select(PendampingType.id).where(PendampingType.code == type_code.strip().upper())))
    if status:
        stmt = stmt.where(Pendamping.status == status)
    return _walk(Pendamping, stmt, cursor, limit, pendamping_json)
