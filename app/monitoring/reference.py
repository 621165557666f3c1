"""Reference rows field monitoring needs: pendamping types, each with a default
checklist (version 1), and the income programmes. Registered with
app.core.reference so they come back whenever tables are emptied."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ChecklistCriterion, ChecklistVersion, IncomeProgram, PendampingType
from app.models.kpm import DEFAULT_PROGRAMS
from app.models.pendamping import DEFAULT_CRITERIA, DEFAULT_PENDAMPING_TYPES


def add_default_checklist(ptype: PendampingType, version: int = 1) -> ChecklistVersion:
    checklist = ChecklistVersion(type=ptype, version=version, active=True)
    for order, (code, text, mandatory) in enumerate(DEFAULT_CRITERIA, start=1):
        checklist.criteria.append(ChecklistCriterion(code=code, text=text, mandatory=mandatory, sort_order=order))
    db.session.add(checklist)
    return checklist


def ensure_pendamping_types() -> int:
    existing = {t.code: t for t in db.session.scalars(select(PendampingType))}
    with_checklist = set(db.session.scalars(select(ChecklistVersion.type_id)))
    added = 0
    for order, (code, name) in enumerate(DEFAULT_PENDAMPING_TYPES, start=1):
        ptype = existing.get(code)
        if ptype is None:
            ptype = PendampingType(code=code, name=name, active=True, sort_order=order)
            db.session.add(ptype)
            db.session.flush()
            added += 1
        if ptype.id not in with_checklist:
            add_default_checklist(ptype)
            added += 1
    return added


def ensure_programs() -> int:
    existing = set(db.session.scalars(select(IncomeProgram.code)))
    added = 0
    for order, (code, name) in enumerate(DEFAULT_PROGRAMS, start=1):
        if code not in existing:
            db.session.add(IncomeProgram(code=code, name=name, active=True, sort_order=order))
            added += 1
    return added
