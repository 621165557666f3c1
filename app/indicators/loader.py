"""Load indicator definitions from JSON: validate everything first, then upsert by (unit, code).

File shape: a list of objects
  {"unit": "DAYASOS", "code": "IKU-1.3a", "name": "...", "kind": "percentage", "polarity": "positive",
   "source": "manual"|"skm"|"pendamping"|"income"|"aggregate", "ci_method": "wilson", "use_fpc": true,
   "layanan": ["izin-ugb"], "pendamping_type": "PKH", "income_program": "PENA", "income_measure": "omzet",
   "aggregate_method": "mean", "components": ["SUB-1"],
   "targets": [{"year": 2023, "revision": "PK Januari", "effective_date": "2023-01-15", "value": 91}],
   "manual": [{"year": 2023, "n": 330, "t": 370, "population": null, "value": null, "note": "LKj 2022"}]}
Components name indicators of the same unit, defined earlier in the file or already stored.

`allowed_unit_ids` limits the units (and their layanan) a load may create or
update, as for every import (app.core.tabular.outside_scope); None is the
CLI operator. An indicator of another unit is an error and nothing is written.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core.nik import redact
from app.core.tabular import outside_scope
from app.extensions import db
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, Layanan, Unit
from app.models.indicator import AGGREGATE_METHODS, CI_METHODS, KINDS, POLARITIES, SOURCES


class IndicatorLoadError(Exception):
    def __init__(self, errors: list[str]):
        errors = [redact(e) for e in errors]  # values are echoed; a NIK never is
        super().__init__("; ".join(errors))
        self.errors = errors


def _text(item, key, where, errors, required=True, limit=500):
    value = item.get(key)
    if value is None or value == "":
        if required:
            errors.append(f"{where}: '{key}' wajib diisi.")
        return None
    if not isinstance(value, str) or len(value) > limit:
        errors.append(f"{where}: '{key}' harus teks paling panjang {limit} karakter.")
        return None
    return value.strip()


def _choice(item, key, options, default, where, errors):
    value = item.get(key, default)
    if value not in options:
        errors.append(f"{where}: '{key}' harus salah satu dari {', '.join(options)}.")
    return value


def _int(value, where, errors, minimum=0):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors.append(f"{where}: harus bilangan bulat ≥ {minimum}, bukan {value!r}.")
        return None
    return value


def _number(value, where, errors):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        errors.append(f"{where}: harus angka, bukan {value!r}.")
        return None
    return float(value)


def validate(items, allowed_unit_ids: set[int] | None = None) -> list[dict]:
    errors: list[str] = []
    if not isinstance(items, list):
        raise IndicatorLoadError(["Berkas harus berisi daftar (list) definisi indikator."])
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    layanan = {s.slug: s for s in db.session.scalars(select(Layanan))}
    seen: dict[tuple[str, str], int] = {}
    clean = []
    for i, item in enumerate(items, start=1):
        where = f"indikator #{i}"
        if not isinstance(item, dict):
            errors.append(f"{where}: harus objek JSON.")
            continue
        unit_code = (_text(item, "unit", where, errors, limit=40) or "").upper()
        code = _text(item, "code", where, errors, limit=40)
        where = f"indikator #{i} ({unit_code} {code})"
        if unit_code and unit_code not in units:
            errors.append(f"{where}: unit '{unit_code}' tidak ditemukan.")
        elif unit_code and outside_scope(units[unit_code].id, allowed_unit_ids):
            errors.append(f"{where}: unit '{unit_code}' di luar wewenang Anda.")
        if (unit_code, code) in seen:
            errors.append(f"{where}: kode ganda dalam berkas (lihat #{seen[(unit_code, code)]}).")
        seen[(unit_code, code)] = i
        row = {
            "unit": units.get(unit_code), "code": code, "name": _text(item, "name", where, errors),
            "kind": _choice(item, "kind", tuple(KINDS), "percentage", where, errors),
            "polarity": _choice(item, "polarity", tuple(POLARITIES), "positive", where, errors),
            "source": _choice(item, "source", tuple(SOURCES), None, where, errors),
            "ci_method": _choice(item, "ci_method", CI_METHODS, "wilson", where, errors),
            "use_fpc": bool(item.get("use_fpc", True)),
            "pendamping_type": _text(item, "pendamping_type", where, errors, required=False, limit=40),
            "income_program": _text(item, "income_program", where, errors, required=False, limit=40),
            "income_measure": _text(item, "income_measure", where, errors, required=False, limit=20),
            "description": _text(item, "description", where, errors, required=False, limit=4000),
            "aggregate_method": None, "layanan": [], "components": [], "targets": [], "manual": [],
        }
        if row["source"] == "aggregate":
            row["aggregate_method"] = _choice(item, "aggregate_method", tuple(AGGREGATE_METHODS), "mean", where,
                                              errors)
            row["components"] = [c for c in item.get("components") or [] if isinstance(c, str)]
            if not row["components"]:
                errors.append(f"{where}: indikator agregat perlu 'components'.")
            for comp in row["components"]:
                known = (unit_code, comp) in seen and seen[(unit_code, comp)] < i
                stored = row["unit"] is not None and db.session.scalar(select(Indicator.id).where(
                    Indicator.unit_id == row["unit"].id, Indicator.code == comp)) is not None
                if not (known or stored):
                    errors.append(f"{where}: sub-indikator '{comp}' tidak dikenal (definisikan lebih dulu).")
        if row["source"] == "skm":
            slugs = item.get("layanan") or []
            if not slugs:
                errors.append(f"{where}: indikator SKM perlu 'layanan'.")
            for slug in slugs:
                found = layanan.get(slug)
                if found is None or outside_scope(found.unit_id, allowed_unit_ids):
                    errors.append(f"{where}: layanan '{slug}' tidak ditemukan.")
                else:
                    row["layanan"].append(found)
        for j, t in enumerate(item.get("targets") or [], start=1):
            w = f"{where} target #{j}"
            if not isinstance(t, dict):
                errors.append(f"{w}: harus objek.")
                continue
            try:
                eff = date.fromisoformat(str(t.get("effective_date")))
            except ValueError:
                errors.append(f"{w}: 'effective_date' harus tanggal YYYY-MM-DD.")
                eff = None
            year = _int(t.get("year"), f"{w} year", errors, minimum=2000)
            value = _number(t.get("value"), f"{w} value", errors)
            revision = _text(t, "revision", w, errors, limit=60)
            if value is None:
                errors.append(f"{w}: 'value' wajib diisi.")
            elif value <= 0:
                errors.append(f"{w}: target harus lebih besar dari nol (capaian tidak dapat dihitung), bukan "
                              f"{value:g}.")
            row["targets"].append({"year": year, "revision": revision, "effective_date": eff, "value": value,
                                   "note": t.get("note")})
        for j, m in enumerate(item.get("manual") or [], start=1):
            w = f"{where} nilai #{j}"
            if not isinstance(m, dict):
                errors.append(f"{w}: harus objek.")
                continue
            entry = {"year": _int(m.get("year"), f"{w} year", errors, minimum=2000),
                     "n": _int(m.get("n"), f"{w} n", errors), "t": _int(m.get("t"), f"{w} t", errors, minimum=1),
                     "population": _int(m.get("population"), f"{w} population", errors, minimum=1),
                     "value": _number(m.get("value"), f"{w} value", errors),
                     "note": _text(m, "note", w, errors, limit=4000)}
            if entry["n"] is not None and entry["t"] is not None and entry["n"] > entry["t"]:
                errors.append(f"{w}: n melebihi t.")
            row["manual"].append(entry)
        clean.append(row)
    if errors:
        raise IndicatorLoadError(errors)
    return clean


def load(items, allowed_unit_ids: set[int] | None = None) -> tuple[int, int]:
    """Validate all, then create or update; returns (created, updated). Nothing is written on error."""
    rows = validate(items, allowed_unit_ids)
    created = updated = 0
    for row in rows:
        ind = db.session.scalar(select(Indicator).where(Indicator.unit_id == row["unit"].id,
                                                        Indicator.code == row["code"]))
        if ind is None:
            ind = Indicator(unit_id=row["unit"].id, code=row["code"], active=True)
            db.session.add(ind)
            created += 1
        else:
            updated += 1
        for key in ("name", "kind", "polarity", "source", "ci_method", "use_fpc", "pendamping_type",
                    "income_program", "income_measure", "description", "aggregate_method"):
            setattr(ind, key, row[key])
        ind.layanan = row["layanan"]
        db.session.flush()
        ind.components = [db.session.scalar(select(Indicator).where(Indicator.unit_id == row["unit"].id,
                                                                    Indicator.code == c)) for c in row["components"]]
        for t in row["targets"]:
            target = db.session.scalar(select(IndicatorTarget).where(
                IndicatorTarget.indicator_id == ind.id, IndicatorTarget.year == t["year"],
                IndicatorTarget.revision == t["revision"]))
            target = target or IndicatorTarget(indicator_id=ind.id, year=t["year"], revision=t["revision"])
            target.effective_date, target.value, target.note = t["effective_date"], t["value"], t["note"]
            db.session.add(target)
        for m in row["manual"]:
            value = db.session.scalar(select(IndicatorManualValue).where(
                IndicatorManualValue.indicator_id == ind.id, IndicatorManualValue.year == m["year"]))
            value = value or IndicatorManualValue(indicator_id=ind.id, year=m["year"])
            for key in ("n", "t", "population", "value", "note"):
                setattr(value, key, m[key])
            db.session.add(value)
        db.session.flush()
    return created, updated
