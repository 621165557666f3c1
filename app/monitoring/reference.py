"""Reference rows field monitoring needs: pendamping types, each with a default
checklist (version 1), and the income programmes. Registered with
app.core.reference so they come back whenever tables are emptied. Also the admin
side of these national references: new types and programmes, checklist versions."""
from __future__ import annotations

from sqlalchemy import select

from app.core import audit
from app.core.reference import add_missing
from app.extensions import db
from app.models import ChecklistCriterion, ChecklistVersion, IncomeProgram, PendampingType, PovertyLine, Umk
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
    return add_missing(IncomeProgram, ({"code": code, "name": name} for code, name in DEFAULT_PROGRAMS))


# ---- the admin pages: national references, changed only by admins of the root unit ----------------

def pendamping_types() -> list[PendampingType]:
    return list(db.session.scalars(select(PendampingType).order_by(PendampingType.sort_order, PendampingType.name)))


def income_programs() -> list[IncomeProgram]:
    return list(db.session.scalars(select(IncomeProgram).order_by(IncomeProgram.sort_order, IncomeProgram.name)))


def _add_listed(model, code: str, name: str, taken: str, *, actor):
    """Add one row to a national code/name list; (row, None), or (None, the code field's error)."""
    if db.session.scalar(select(model.id).where(model.code == code)):
        return None, taken
    row = model(code=code, name=name, active=True, sort_order=100)
    db.session.add(row)
    db.session.flush()
    audit.record("create", row, actor=actor)
    return row, None


def add_type(code: str, name: str, *, actor) -> str | None:
    """Add a pendamping type with the default checklist; the error for the code field, or None when added."""
    ptype, error = _add_listed(PendampingType, code, name, "Kode jenis sudah dipakai.", actor=actor)
    if ptype is not None:
        add_default_checklist(ptype)
    return error


def add_program(code: str, name: str, *, actor) -> str | None:
    """Add an income programme; the error for the code field, or None when added."""
    return _add_listed(IncomeProgram, code, name, "Kode program sudah dipakai.", actor=actor)[1]


def pendamping_type(type_id: int) -> PendampingType | None:
    return db.session.get(PendampingType, type_id)


def current_checklist(type_id: int) -> ChecklistVersion | None:
    """The newest version of the type's checklist (active or not), the one a change starts from."""
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.type_id == type_id)
                             .order_by(ChecklistVersion.version.desc()).limit(1))


def checklist_text(version: ChecklistVersion) -> str:
    return "\n".join(f"{c.code} | {c.text} | {'wajib' if c.mandatory else 'opsional'}" for c in version.criteria)


def parse_criteria(text: str) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """`KODE | teks | wajib/opsional` per line: (criteria, Indonesian errors)."""
    criteria, errors, codes = [], [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[0] or not parts[1] or parts[2].lower() not in ("wajib", "opsional"):
            errors.append(f"Baris {number}: gunakan format KODE | teks | wajib/opsional.")
            continue
        code = parts[0].upper()
        if len(code) > 20 or len(parts[1]) > 500 or code in codes:
            errors.append(f"Baris {number}: kode maksimal 20 karakter dan unik, teks maksimal 500 karakter.")
            continue
        codes.add(code)
        criteria.append((code, parts[1], parts[2].lower() == "wajib"))
    if not criteria and not errors:
        errors.append("Minimal satu kriteria.")
    if criteria and not any(m for _, _, m in criteria):
        errors.append("Minimal satu kriteria wajib.")
    return criteria, errors


def publish_checklist(ptype: PendampingType, text: str, *, actor) -> tuple[ChecklistVersion | None, list[str]]:
    """A change makes a new version and retires the current one; records keep the version they were
    answered against. (new version, []) or (None, errors)."""
    criteria, errors = parse_criteria(text)
    if errors:
        return None, errors
    current = current_checklist(ptype.id)
    if current is not None:
        current.active = False
    version = ChecklistVersion(type=ptype, version=(current.version if current else 0) + 1, active=True)
    for order, (code, label, mandatory) in enumerate(criteria, start=1):
        version.criteria.append(ChecklistCriterion(code=code, text=label, mandatory=mandatory, sort_order=order))
    db.session.add(version)
    db.session.flush()
    audit.record("create", version, after={"type": ptype.code, "version": version.version,
                                           "criteria": [list(c) for c in criteria]}, actor=actor)
    return version, []


def reference_lines() -> tuple[list[PovertyLine], list[Umk]]:
    lines = db.session.scalars(select(PovertyLine).order_by(PovertyLine.period.desc()).limit(500)).all()
    umks = db.session.scalars(select(Umk).order_by(Umk.year.desc()).limit(500)).all()
    return list(lines), list(umks)
