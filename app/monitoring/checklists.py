"""Which checklist a pendamping check is judged against, and what "optimal" means.

The server picks the version in force for the pendamping's type: the newest
active version (publishing a new version deactivates the old one, so there is
exactly one at any time, and it applies to the period being recorded now).
A client (the web form, the offline queue's JSON, any import) may echo the
version it was shown, but a posted version is accepted only when it is that
one; an old or inactive version is refused rather than silently used, so
"optimal" is never judged against criteria that no longer apply.
"""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ChecklistVersion

OUTDATED = ("Daftar periksa jenis pendamping ini sudah diperbarui (versi {version}). "
            "Muat ulang formulir dan isi lagi dengan daftar periksa yang berlaku.")


def version_in_force(type_id: int) -> ChecklistVersion | None:
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.type_id == type_id,
                                                            ChecklistVersion.active.is_(True))
                             .order_by(ChecklistVersion.version.desc()).limit(1))


def resolve(type_id: int, posted: str | None) -> tuple[ChecklistVersion | None, str | None]:
    """(version in force, error message or None). A posted id must be that version's id, compared as text."""
    version = version_in_force(type_id)
    posted = (posted or "").strip()
    if version is not None and posted and posted != str(version.id):
        return version, OUTDATED.format(version=version.version)
    return version, None


def optimal(version: ChecklistVersion, answers: dict[str, bool]) -> bool:
    """Optimal sesuai standar: every mandatory criterion of this version is met."""
    return all(answers.get(c.code) is True for c in version.criteria if c.mandatory)
