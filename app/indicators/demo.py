"""Demo indicators for `seed-demo`, so the analyst's /indikator/ shows realisasi,
interval, target and capaian at once.

Four DAYASOS indicators read the other demo data: IKM over the DAYASOS layanan
with SKM responses, pendamping checked optimal, KPM PENA with higher income, and
their unweighted mean (the ministry's IKU rule, seed 002 lines 1813-1829).
Targets are set for the year the demo monitoring data is in (today's year, as
monitoring_demo uses), one with a revision (PK Januari, then PK Agustus).
Indicators are created only when their (unit, code) is missing and targets only
when their (year, revision) is missing, so re-seeding adds nothing and never
overwrites an admin's edits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.indicators import loader
from app.models import Indicator, IndicatorTarget, Layanan, Unit

UNIT = "DAYASOS"
NOTE = "DEMO — bukan target resmi"
DEFINITIONS = (
    {"code": "DEMO-IKM", "name": "Indeks Kepuasan Masyarakat layanan Ditjen Pemberdayaan Sosial",
     "kind": "index", "source": "skm", "layanan": ["izin-ugb", "izin-pub", "pena"],
     "description": "Demo: IKM dari respons SKM demo, rata-rata layanan tertimbang responden."},
    {"code": "DEMO-PENDAMPING",
     "name": "Persentase pendamping melaksanakan pelayanan secara optimal sesuai standar",
     "source": "pendamping", "description": "Demo: dari monitoring pendamping demo (semua jenis)."},
    {"code": "DEMO-PENA", "name": "Persentase KPM PENA meningkat pendapatan", "source": "income",
     "income_program": "PENA", "income_measure": "pendapatan_rt",
     "description": "Demo: dari sampel pendapatan KPM demo (≥ 3 bulan setelah intervensi)."},
    {"code": "DEMO-IKU", "name": "Rata-rata sub-indikator monitoring lapangan Ditjen Pemberdayaan Sosial",
     "source": "aggregate", "aggregate_method": "mean", "components": ["DEMO-PENDAMPING", "DEMO-PENA"],
     "description": "Demo: rata-rata tak tertimbang realisasi sub-indikator, seperti IKU Kementerian."},
)
# (code, revision, month-day in force, value): target 91 from seed 001; 90 from seed 002 line 3021.
TARGETS = (
    ("DEMO-IKM", "PK Januari", "01-15", 90.0),
    ("DEMO-PENDAMPING", "PK Januari", "01-15", 91.0),
    ("DEMO-PENA", "PK Januari", "01-15", 75.0),
    ("DEMO-PENA", "PK Agustus", "08-15", 80.0),
    ("DEMO-IKU", "PK Januari", "01-15", 85.0),
)


def demo_year() -> int:
    """The year of the demo checks and income samples (monitoring_demo stamps them with today)."""
    return date.today().year


def _codes(unit: Unit) -> dict[str, int]:
    rows = db.session.execute(select(Indicator.code, Indicator.id).where(Indicator.unit_id == unit.id))
    return {code: ident for code, ident in rows}


def seed() -> int:
    unit = db.session.scalar(select(Unit).where(Unit.code == UNIT))
    slugs = {s for d in DEFINITIONS for s in d.get("layanan", [])}
    found = set(db.session.scalars(select(Layanan.slug).where(Layanan.slug.in_(slugs))))
    if unit is None or found != slugs:
        return 0
    existing = _codes(unit)
    missing = [{**d, "unit": UNIT} for d in DEFINITIONS if d["code"] not in existing]
    added = loader.load(missing)[0] if missing else 0
    ids = _codes(unit)
    year = demo_year()
    have = {(ident, revision) for ident, revision in db.session.execute(
        select(IndicatorTarget.indicator_id, IndicatorTarget.revision).where(
            IndicatorTarget.indicator_id.in_(ids.values()), IndicatorTarget.year == year))}
    for code, revision, month_day, value in TARGETS:
        if (ids[code], revision) not in have:
            db.session.add(IndicatorTarget(indicator_id=ids[code], year=year, revision=revision, value=value,
                                           effective_date=date.fromisoformat(f"{year}-{month_day}"), note=NOTE))
            added += 1
    db.session.flush()
    return added
