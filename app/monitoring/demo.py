"""Demo field-monitoring data for `seed-demo`: pendamping in the demo regions, a
few checks and KPM income samples (some eligible, some not) and poverty lines /
UMK clearly labelled DEMO. Keys are fixed (identifiers, UUIDv5 instance ids),
so running it again adds nothing. Checks and samples are stored through the
same write path as the web form (app.monitoring.checks, income_samples), so
demo data obeys every rule real data does (e.g. the configured period kind)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.core.idempotent import insert_or_nothing
from app.extensions import db
from app.models import (
    IncomeProgram,
    Pendamping,
    PendampingType,
    PovertyLine,
    Region,
    Umk,
    Unit,
    User,
    utcnow,
)
from app.monitoring import checks, income_samples, observation_dates

DEMO_SOURCE = "DEMO — bukan angka resmi BPS/Kemnaker"
_NS = uuid.UUID("0b7c52a4-3c55-4a8e-9d0f-2f8a1c3d5e61")
PENDAMPING = (  # identifier, name, type, kab/kota
    ("DEMO-PKH-001", "Siti Rahmawati", "PKH", "32.73"),
    ("DEMO-PKH-002", "Budi Santoso", "PKH", "32.04"),
    ("DEMO-TKSK-001", "Asep Hidayat", "TKSK", "32.73"),
    ("DEMO-TAGANA-001", "Yohana Bria", "TAGANA", "53.71"),
    ("DEMO-PSM-001", "Markus Wenda", "PSM", "94.71"),
)
# NIKs below are synthetic (start 9999...), never real people.
INCOME = (  # nik, months after intervention, before, after
    ("9999000000000001", 4, 1_200_000, 2_100_000),
    ("9999000000000002", 5, 1_500_000, 1_400_000),
    ("9999000000000003", 2, 900_000, 1_300_000),
)


def _by_code(model, column, values):
    return {getattr(r, column): r for r in db.session.scalars(select(model).where(getattr(model, column).in_(values)))}


def seed() -> int:
    unit = db.session.scalar(select(Unit).where(Unit.code == "DAYASOS"))
    monitor = db.session.scalar(select(User).where(User.email == "monitor@pantau.local"))
    regions = _by_code(Region, "code", ["32", "32.73", "32.04", "53.71", "94.71"])
    if unit is None or monitor is None or "32.73" not in regions:
        return 0
    added = 0
    if monitor.region_id is None:
        monitor.region_id = regions["32"].id  # the demo monitor works in Jawa Barat
    types = _by_code(PendampingType, "code", ["PKH", "TKSK", "TAGANA", "PSM"])
    existing = _by_code(Pendamping, "identifier", [p[0] for p in PENDAMPING])
    for ident, name, type_code, kab in PENDAMPING:
        if ident not in existing and kab in regions:
            existing[ident] = Pendamping(identifier=ident, name=name, type=types[type_code], unit=unit,
                                         region=regions[kab], status="aktif")
            db.session.add(existing[ident])
            added += 1
    db.session.flush()

    today = observation_dates.today_in(unit.timezone)
    kind = current_app.config["PENDAMPING_PERIOD_KIND"]
    period = checks.default_period(monitor, kind).code
    for ident, answers in (("DEMO-PKH-001", {"K1": True, "K2": True, "K3": True}),
                           ("DEMO-PKH-002", {"K1": True, "K2": False, "K3": True})):
        outcome = checks.create_check(checks.CheckInput(
            instance_id=uuid.uuid5(_NS, f"check:{ident}:{today.year}"), pendamping_id=existing[ident].id,
            period=period, visit_date=today, method="kunjungan", answers=answers), monitor=monitor, period_kind=kind)
        added += outcome.status == "ok"

    pena = db.session.scalar(select(IncomeProgram).where(IncomeProgram.code == "PENA"))
    for nik, months, before, after in INCOME:
        intervention = today - timedelta(days=months * 31)
        added += income_samples.save({
            "instance_id": uuid.uuid5(_NS, f"income:{nik}"),
            "program_id": pena.id, "unit_id": unit.id, "region_id": regions["32.73"].id, "monitor_id": monitor.id,
            "source": "web", "cohort_year": intervention.year, "intervention_date": intervention,
            "monitoring_date": today, "household_size": 4, "measure": "pendapatan_rt", "income_before": before,
            "income_after": after, "business_status": "berjalan", "status": "valid",
            "created_at": utcnow(), "updated_at": utcnow(),
        }, nik=nik).created

    for year in (today.year - 1, today.year):
        added += insert_or_nothing(PovertyLine, {
            "province_id": regions["32"].id, "period": f"{year}-03", "extreme_line": 400_000,
            "poverty_line": 550_458, "is_demo": True, "source": DEMO_SOURCE}, ["province_id", "period"])
        for code, amount in (("32.73", 4_200_000), ("32.04", 3_500_000)):
            added += insert_or_nothing(Umk, {"region_id": regions[code].id, "year": year, "amount": amount,
                                             "is_demo": True, "source": DEMO_SOURCE}, ["region_id", "year"])
    db.session.flush()
    return added
