"""Admin CSV/XLSX import of garis kemiskinan (per province and period) and UMK
(per kab/kota and year). Validate-first, upsert by natural key; rows marked
is_demo stay labelled DEMO wherever they are shown.

Both are national references: `actor_unit_id` is the importing admin's unit and
must be the root unit (app.core.reference_authority); None is the CLI operator."""
from __future__ import annotations

import re
from typing import IO

from sqlalchemy import select

from app.core.reference_authority import ensure_unit_may_change
from app.core.tabular import ImportReport, RowChecker, parse_int, read_table, text, truthy, write_imported
from app.extensions import db
from app.models import PovertyLine, Region, Umk

POVERTY_REQUIRED = ("province", "period", "extreme_line", "poverty_line")
UMK_REQUIRED = ("kabkota", "year", "amount")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _finish(report: ImportReport, valid: list, model, total: int, actor=None) -> ImportReport:
    if report.errors:
        report.skipped = total
        return report
    for key, values in valid:
        write_imported(model, key, values, report, actor=actor)
    report.written = True
    return report


def import_poverty_lines(handle: IO[bytes], filename: str, *, actor_unit_id: int | None = None,
                         actor=None) -> ImportReport:
    ensure_unit_may_change(actor_unit_id)
    rows = read_table(handle, filename, POVERTY_REQUIRED)
    provinces = {r.code: r for r in db.session.scalars(select(Region).where(Region.level == "provinsi"))}
    report, valid, seen = ImportReport(), [], set()
    for number, row in rows:
        errs = RowChecker(number)
        code, msg = text(row.get("province"), 20)
        if msg or code not in provinces:
            errs.add("province", msg or f"provinsi '{code}' tidak dikenal.")
        period, msg = text(row.get("period"), 7)
        if msg or not _MONTH.match(period or ""):
            errs.add("period", msg or "gunakan format YYYY-MM, mis. 2023-03.")
        extreme = errs.check("extreme_line", parse_int(row.get("extreme_line"), 1))
        poverty = errs.check("poverty_line", parse_int(row.get("poverty_line"), 1))
        if extreme and poverty and extreme > poverty:
            errs.add("extreme_line", "tidak boleh melebihi garis kemiskinan.")
        source, _ = text(row.get("source"), 200, required=False)
        if not errs and (code, period) in seen:
            errs.add("period", "provinsi dan periode muncul dua kali.")
        if errs:
            report.errors.extend(errs)
            continue
        seen.add((code, period))
        valid.append(({"province_id": provinces[code].id, "period": period},
                      {"extreme_line": extreme, "poverty_line": poverty, "is_demo": truthy(row.get("is_demo")),
                       "source": source or ""}))
    return _finish(report, valid, PovertyLine, len(rows), actor)


def import_umk(handle: IO[bytes], filename: str, *, actor_unit_id: int | None = None,
               actor=None) -> ImportReport:
    ensure_unit_may_change(actor_unit_id)
    rows = read_table(handle, filename, UMK_REQUIRED)
    kabkota = {r.code: r for r in db.session.scalars(select(Region).where(Region.level == "kabkota"))}
    report, valid, seen = ImportReport(), [], set()
    for number, row in rows:
        errs = RowChecker(number)
        code, msg = text(row.get("kabkota"), 20)
        if msg or code not in kabkota:
            errs.add("kabkota", msg or f"kab/kota '{code}' tidak dikenal.")
        year = errs.check("year", parse_int(row.get("year"), 2000, 2100))
        amount = errs.check("amount", parse_int(row.get("amount"), 1))
        source, _ = text(row.get("source"), 200, required=False)
        if not errs and (code, year) in seen:
            errs.add("year", "kab/kota dan tahun muncul dua kali.")
        if errs:
            report.errors.extend(errs)
            continue
        seen.add((code, year))
        valid.append(({"region_id": kabkota[code].id, "year": year},
                      {"amount": amount, "is_demo": truthy(row.get("is_demo")), "source": source or ""}))
    return _finish(report, valid, Umk, len(rows), actor)
