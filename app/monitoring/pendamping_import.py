"""Pendamping registry import (CSV/XLSX): validate every row first, then upsert by identifier.

Nothing is written when any row is bad, unless `valid_only` is chosen; then the
good rows are written and the bad ones reported. Re-importing a file updates
rows by identifier and never duplicates them.
"""
from __future__ import annotations

from typing import IO

from sqlalchemy import select

from app.core.tabular import (
    ImportReport,
    RowChecker,
    lookup_unit,
    outside_scope,
    parse_date,
    read_table,
    text,
    write_imported,
)
from app.extensions import db
from app.models import Pendamping, PendampingType, Region, Unit
from app.models.pendamping import PENDAMPING_STATUS

REQUIRED = ("identifier", "name", "type", "unit", "kabkota")
OPTIONAL = ("kecamatan", "status", "status_date")


def import_file(handle: IO[bytes], filename: str, *, valid_only: bool = False,
                allowed_unit_ids: set[int] | None = None, actor=None) -> ImportReport:
    """`allowed_unit_ids` limits which units an admin may write to (None: all, for the CLI)."""
    rows = read_table(handle, filename, REQUIRED)
    types = {t.code.lower(): t for t in db.session.scalars(select(PendampingType))}
    types.update({t.name.lower(): t for t in types.copy().values()})
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    identifiers = [str(r.get("identifier") or "").strip() for _, r in rows]
    existing = {p.identifier: p for p in db.session.scalars(
        select(Pendamping).where(Pendamping.identifier.in_([i for i in identifiers if i])))}

    report = ImportReport()
    valid: list[dict] = []
    seen: set[str] = set()
    for number, row in rows:
        errors = RowChecker(number)
        check = errors.check

        identifier = check("identifier", text(row.get("identifier"), 60))
        name = check("name", text(row.get("name"), 200))
        type_text = check("type", text(row.get("type"), 200))
        ptype = types.get(type_text.lower()) if type_text else None
        if type_text and ptype is None:
            errors.add("type", f"jenis pendamping '{type_text}' tidak dikenal.")
        unit = lookup_unit(row.get("unit"), units, allowed_unit_ids, number, errors)
        kab_code = check("kabkota", text(row.get("kabkota"), 20))
        kabkota = regions.get(kab_code) if kab_code else None
        if kab_code and (kabkota is None or kabkota.level != "kabkota"):
            errors.add("kabkota", f"kode kab/kota '{kab_code}' tidak dikenal.")
            kabkota = None
        kec_code = check("kecamatan", text(row.get("kecamatan"), 20, required=False))
        kecamatan = regions.get(kec_code) if kec_code else None
        if kec_code and (kecamatan is None or kecamatan.level != "kecamatan"
                         or (kabkota is not None and kecamatan.parent_id != kabkota.id)):
            errors.add("kecamatan", f"kecamatan '{kec_code}' tidak dikenal di kab/kota ini.")
        status = (check("status", text(row.get("status"), 10, required=False)) or "aktif").lower()
        if status not in PENDAMPING_STATUS:
            errors.add("status", "harus 'aktif' atau 'berhenti'.")
        status_date = check("status_date", parse_date(row.get("status_date"), required=False))
        if status == "berhenti" and status_date is None and not any(e.column == "status_date" for e in errors):
            errors.add("status_date", "wajib diisi bila status berhenti.")
        if identifier:
            if identifier in seen:
                errors.add("identifier", f"identifier '{identifier}' muncul dua kali.")
            seen.add(identifier)
            current = existing.get(identifier)
            if current is not None and outside_scope(current.unit_id, allowed_unit_ids):
                errors.add("identifier", "identifier sudah dipakai unit di luar wewenang Anda.")

        if errors:
            report.errors.extend(errors)
            report.skipped += 1
            continue
        valid.append({"identifier": identifier, "name": name, "type_id": ptype.id, "unit_id": unit.id,
                      "region_id": kabkota.id, "kecamatan_id": kecamatan.id if kecamatan else None,
                      "status": status, "status_date": status_date if status == "berhenti" else None})

    if report.errors and not valid_only:
        report.skipped = len(rows)
        return report
    for item in valid:
        key = {"identifier": item["identifier"]}
        existing[item["identifier"]] = write_imported(Pendamping, key, item, report, actor=actor,
                                                      row=existing.get(item["identifier"]))
    report.written = True
    return report
