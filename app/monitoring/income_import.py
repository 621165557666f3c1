"""Legacy KPM income import (CSV/XLSX), validate-first like the pendamping import.

Each row is one monitoring round. Re-importing never duplicates: a row's
instance_id is the file's `instance_id` column or, when absent, a UUIDv5 of
(NIK HMAC, programme, measure, monitoring date), so the same round always maps
to the same stored row and is updated. NIKs never appear in messages.

An update only ever touches a row the importer may write: a stored sample of a
unit outside the importer's scope, one entered on the web form, or one of
another KPM is a row error, and nothing moves. Rows are stored through
income_samples.save, the same validating write the web form uses.
"""
from __future__ import annotations

import uuid
from typing import IO

from sqlalchemy import select

from app.core import nik as nik_service
from app.core.tabular import (
    ImportReport,
    RowChecker,
    RowError,
    lookup_unit,
    outside_scope,
    parse_date,
    parse_int,
    read_table,
    text,
    truthy,
)
from app.extensions import db
from app.models import IncomeProgram, IncomeSample, Region, Unit
from app.monitoring import income_samples

REQUIRED = ("nik", "program", "unit", "kabkota", "cohort_year", "intervention_date", "monitoring_date",
            "household_size", "measure", "income_before", "income_after", "business_status")
OPTIONAL = ("notes", "konfirmasi", "instance_id")
CONFIRM_BY_COLUMN = "isi kolom konfirmasi dengan 'ya'"
# The write path names a value by its column in the table; the file names some columns differently.
_COLUMNS = {"program_id": "program", "region_id": "kabkota", "unit_id": "unit", "confirm_large": "konfirmasi"}
_KEYS = {column: key for key, column in _COLUMNS.items()}
_NAMESPACE = uuid.UUID("6f1d7a0e-4c1b-4d53-9a57-5d1f0e0c9b21")


def natural_instance_id(nik_hmac: str, program: str, measure: str, monitoring_date) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{nik_hmac}|{program}|{measure}|{monitoring_date.isoformat()}")


def import_file(handle: IO[bytes], filename: str, *, valid_only: bool = False,
                allowed_unit_ids: set[int] | None = None, actor=None) -> ImportReport:
    rows = read_table(handle, filename, REQUIRED)
    programs = {p.code.upper(): p for p in db.session.scalars(select(IncomeProgram))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    regions = {r.code: r for r in db.session.scalars(select(Region).where(Region.level == "kabkota"))}

    report = ImportReport()
    valid: list[tuple[str, dict, IncomeSample | None, bool]] = []
    seen: set[uuid.UUID] = set()
    for number, row in rows:
        errors = RowChecker(number)
        check = errors.check

        raw_nik = row.get("nik")
        nik = None if isinstance(raw_nik, float) else nik_service.normalise(str(raw_nik or ""))
        if nik is None:
            errors.add("nik", nik_service.INVALID_NIK + " Tulis NIK sebagai teks.")
        program_code = check("program", text(row.get("program"), 40))
        program = programs.get(program_code.upper()) if program_code else None
        if program_code and program is None:
            errors.add("program", f"program '{program_code}' tidak dikenal.")
        unit = lookup_unit(row.get("unit"), units, allowed_unit_ids, number, errors)
        kab_code = check("kabkota", text(row.get("kabkota"), 20))
        kabkota = regions.get(kab_code) if kab_code else None
        if kab_code and kabkota is None:
            errors.add("kabkota", f"kode kab/kota '{kab_code}' tidak dikenal.")
        cohort = check("cohort_year", parse_int(row.get("cohort_year"), 2000, 2100))
        intervention = check("intervention_date", parse_date(row.get("intervention_date")))
        monitoring = check("monitoring_date", parse_date(row.get("monitoring_date")))
        household = check("household_size", parse_int(row.get("household_size"), 1, 50))
        measure = (check("measure", text(row.get("measure"), 20)) or "").lower()
        confirmed = truthy(row.get("konfirmasi"))
        incomes = {column: check(column, parse_int(row.get(column), 0)) for column in ("income_before", "income_after")}
        status = (check("business_status", text(row.get("business_status"), 10)) or "").lower()
        notes = check("notes", text(row.get("notes"), 2000, required=False))
        given_id = check("instance_id", text(row.get("instance_id"), 40, required=False))
        instance_id = None
        if given_id:
            try:
                instance_id = uuid.UUID(given_id)
            except ValueError:
                errors.add("instance_id", "bukan UUID yang valid.")

        values = {
            "instance_id": instance_id, "program_id": program.id if program else None,
            "unit_id": unit.id if unit else None, "region_id": kabkota.id if kabkota else None,
            "source": "import", "cohort_year": cohort, "intervention_date": intervention,
            "monitoring_date": monitoring, "household_size": household, "measure": measure or None,
            "income_before": incomes["income_before"], "income_after": incomes["income_after"],
            "business_status": status or None, "notes": notes,
        }
        reported = {_KEYS.get(e.column, e.column) for e in errors} | {"instance_id"}
        found, _ = income_samples.problems(dict(values), nik=None if isinstance(raw_nik, float) else str(raw_nik or ""),
                                           creating=True, unit_id=values["unit_id"], confirmed_large=confirmed,
                                           reported=reported, confirm_how=CONFIRM_BY_COLUMN)
        for key, messages in found.items():
            errors.extend(RowError(number, _COLUMNS.get(key, key), message) for message in messages)

        if errors:
            report.errors.extend(errors)
            report.skipped += 1
            continue
        digest = nik_service.nik_hmac(nik)
        key_column = "instance_id" if instance_id else "nik"
        values["instance_id"] = instance_id = instance_id or natural_instance_id(digest, program.code, measure,
                                                                                 monitoring)
        if instance_id in seen:
            report.errors.append(RowError(number, "monitoring_date", "baris ganda (KPM, program, ukuran dan "
                                                                     "tanggal monitoring sama)."))
            report.skipped += 1
            continue
        seen.add(instance_id)
        stored = db.session.scalar(select(IncomeSample).where(IncomeSample.instance_id == instance_id))
        problem = _update_problem(stored, digest, allowed_unit_ids)
        if problem:
            report.errors.append(RowError(number, key_column, problem))
            report.skipped += 1
            continue
        valid.append((nik, values, stored, confirmed))
    if report.errors and not valid_only:
        report.skipped = len(rows)
        return report
    for nik, values, stored, confirmed in valid:
        if stored is None:
            income_samples.save({**values, "status": "valid"}, nik=nik, actor=actor, confirmed_large=confirmed)
            report.created += 1
        else:
            income_samples.save(values, existing=stored, actor=actor, confirmed_large=confirmed)
            report.updated += 1
    report.written = True
    return report


def _update_problem(stored: IncomeSample | None, nik_digest: str, allowed_unit_ids: set[int] | None) -> str | None:
    """Why an import may not update this stored sample, or None when it may (or there is none)."""
    if stored is None:
        return None
    if outside_scope(stored.unit_id, allowed_unit_ids):
        return "sampel yang sudah tersimpan milik unit di luar wewenang Anda; tidak diubah."
    if stored.source != "import":
        return "sampel ini dicatat lewat formulir atau API; koreksi lewat halaman sampel, bukan impor."
    if stored.kpm.nik_hmac != nik_digest:
        return "instance_id ini sudah dipakai sampel KPM lain; tidak diubah."
    return None
