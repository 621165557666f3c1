"""One entry for every monitoring import (pendamping registry, legacy income samples, poverty lines,
UMK), shared by the admin page and the `import-*` commands so both read a file the same way.

`actor` None is the command line, which runs as the server's operator: no unit limit and no national-
reference lock. An admin on the web may write only inside their unit subtree.
"""
from __future__ import annotations

from typing import IO

from app.core.scoping import unit_subtree_ids
from app.core.tabular import ImportReport
from app.extensions import db
from app.models import User
from app.monitoring import income_import, pendamping_import, reference_lines_import


def run_import(kind: str, stream: IO[bytes], filename: str, *, valid_only: bool = False,
               actor: User | None = None) -> ImportReport:
    """Validate and write one file; the report says whether anything was written (the caller commits)."""
    allowed = set(db.session.scalars(unit_subtree_ids(actor.unit_id))) if actor is not None else None
    actor_unit_id = actor.unit_id if actor is not None else None
    if kind == "pendamping":
        return pendamping_import.import_file(stream, filename, valid_only=valid_only, allowed_unit_ids=allowed,
                                            actor=actor)
    if kind == "income":
        return income_import.import_file(stream, filename, valid_only=valid_only, allowed_unit_ids=allowed,
                                         actor=actor)
    if kind == "poverty":
        return reference_lines_import.import_poverty_lines(stream, filename, actor_unit_id=actor_unit_id, actor=actor)
    return reference_lines_import.import_umk(stream, filename, actor_unit_id=actor_unit_id, actor=actor)
