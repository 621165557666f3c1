"""Admin CSV/XLSX import of garis kemiskinan (per province and period) and UMK
(per kab/kota and year). Validate-first, upsert by natural key; rows marked
is_demo stay labelled DEMO wherever they are shown.

Both are national references: `actor_unit_id` is the importing admin's unit and
must be the root unit (app.core.reference_authority); None is the CLI operator."""
from __future__ import annotations

import re
from typing import IO

from sqlalchemy import select

from app.core import audit
from app.core.reference_authority import ensure_unit_may_change
from app.core.tabular import ImportReport, RowError, parse_int, read_table, text, truthy
from app.extensions import db
from app.models import PovertyLine, Region, Umk

POVERTY_REQUIRED = ("province", "period", "extreme_line", "poverty_line")
UMK_REQUIRED = ("kabkota", "year", "amount")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _finish(report: ImportReport, valid: list, key_of, model, total: int, actor=None) -> ImportReport:
    if report.errors:
        report.skipped = total
        return report
    for key, values in valid:
        row = db.session.scalar(select(model).filter_by(**key))
        before = audit.snapshot(row) if row else None
        if row is None:
            row = model(**key)
            db.session.add(row)
            report.created += 1
        else:
            report.updated += 1
        for name, value in values.items():
            setattr(row, name, value)
        db.session.flush()
        audit.record("import", row, before=before, actor=actor)
    report.written = True
    return report


def import_poverty_lines(handle: IO[bytes], filename: str, *, actor_unit_id: int | None = None,
                         actor=None) -> ImportReport:
    ensure_unit_may_change(actor_unit_id)
    rows = read_table(handle, filename, POVERTY_REQUIRED)
    provinces = {r.code: r for r in db.session.scalars(select(Region).where(Region.level == "provinsi"))}
    report, valid, seen = ImportReport(), [], set()
    for number, row in rows:
        errs = []
        code, msg = text(row.get("province"), 20)
        if msg or code not in provinces:
            errs.append(RowError(number, "province", msg or f"provinsi '{code}' tidak dikenal."))
        period, msg = text(row.get("period"), 7)
        if msg or not _MONTH.match(period or ""):
            errs.append(RowError(number, "period", msg or "gunakan format YYYY-MM, mis. 2023-03."))
        extreme, msg1 = parse_int(row.get("extreme_line"), 1)
        poverty, msg2 = parse_int(row.get("poverty_line"), 1)
        if msg1:
            errs.append(RowError(number, "extreme_line", msg1))
        if msg2:
            errs.append(RowError(number, "poverty_line", msg2))
        if extreme and poverty and extreme > poverty:
            errs.append(RowError(number, "extreme_line", "tidak boleh melebihi garis kemiskinan."))
        source, _ = text(row.get("source"), 200, required=False)
        if not errs and (code, period) in seen:
            errs.append(RowError(number, "period", "provinsi dan periode muncul dua kali."))
        if errs:
            report.errors.extend(errs)
            continue
        seen.add((code, period))
        valid.append(({"province_id": provinces[code].id, "period": period},
                      {"extreme_line": extreme, "poverty_line": poverty, "is_demo": truthy(row.get("is_demo")),
                       "source": source or ""}))
    return _finish(report, valid, None, PovertyLine, len(rows), actor)


def import_umk(handle: IO[bytes], filename: str, *, actor_unit_id: int | None = None,
               actor=None) -> ImportReport:
    ensure_unit_may_change(actor_unit_id)
    rows = read_table(handle, filename, UMK_REQUIRED)
    kabkota = {r.code: r for r in db.session.scalars(select(Region).where(Region.level == "kabkota"))}
    report, valid, seen = ImportReport(), [], set()
    for number, row in rows:
        errs = []
        code, msg = text(row.get("kabkota"), 20)
        if msg or code not in kabkota:
            errs.append(RowError(number, "kabkota", msg or f"kab/kota '{code}' tidak dikenal."))
        year, msg = parse_int(row.get("year"), 2000, 2100)
        if msg:
            errs.append(RowError(number, "year", msg))
        amount, msg = parse_int(row.get("amount"), 1)
        if msg:
            errs.append(RowError(number, "amount", msg))
        source, _ = text(row.get("source"), 200, required=False)
        if not errs and (code, year) in seen:
            errs.append(RowError(number, "year", "kab/kota dan tahun muncul dua kali."))
        if errs:
            report.errors.extend(errs)
            continue
        seen.add((code, year))
        valid.append(({"region_id": kabkota[code].id, "year": year},
                      {"amount": amount, "is_demo": truthy(row.get("is_demo")), "source": source or ""}))
    return _finish(report, valid, None, Umk, len(rows), actor)
