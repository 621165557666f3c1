"""Shared setup for the field-monitoring tests: regions, pendamping, users."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.core import regions
from app.extensions import db
from app.models import IncomeProgram, Pendamping, PendampingType, Region
from tests.helpers import csrf_from, login

REGIONS = [
    {"code": "32", "name": "Jawa Barat", "level": "provinsi", "parent_code": ""},
    {"code": "32.73", "name": "Kota Bandung", "level": "kabkota", "parent_code": "32"},
    {"code": "32.04", "name": "Kabupaten Bandung", "level": "kabkota", "parent_code": "32"},
    {"code": "53", "name": "Nusa Tenggara Timur", "level": "provinsi", "parent_code": ""},
    {"code": "53.71", "name": "Kota Kupang", "level": "kabkota", "parent_code": "53"},
]


def region(code: str) -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


def ptype(code: str = "PKH") -> PendampingType:
    return db.session.scalar(select(PendampingType).where(PendampingType.code == code))


def program(code: str = "PENA") -> IncomeProgram:
    return db.session.scalar(select(IncomeProgram).where(IncomeProgram.code == code))


@pytest.fixture()
def field(tree, make_user):
    regions.load_rows([dict(r) for r in REGIONS])
    db.session.commit()
    dayasos, rehsos = tree["dayasos"], tree["rehsos"]
    users = {
        "mon_a": make_user("mona@x.id", "monitor", dayasos, region_id=region("32").id),
        "mon_b": make_user("monb@x.id", "monitor", dayasos),
        "mon_ntt": make_user("monntt@x.id", "monitor", dayasos, region_id=region("53").id),
        "analyst": make_user("analis@x.id", "analyst", dayasos),
        "analyst_out": make_user("luar@x.id", "analyst", rehsos),
        "admin": make_user("admin@x.id", "admin", tree["root"]),
    }
    pend = {}
    rows = (("PKH-001", "Siti", "32.73"), ("PKH-002", "Budi", "32.04"), ("PKH-003", "Yohana", "53.71"))
    for ident, name, kab in rows:
        p = Pendamping(identifier=ident, name=name, type=ptype("PKH"), unit=dayasos, region=region(kab), status="aktif")
        db.session.add(p)
        pend[ident] = p
    db.session.commit()
    return {"users": users, "pendamping": pend, "tree": tree}


def check_payload(client, pendamping: Pendamping, period: str = "2025", answers=("ya", "ya", "ya"), **extra) -> dict:
    page = client.get(f"/pantau/pendamping/catat?jenis={pendamping.type.code}")
    data = {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "instance_id": str(uuid.uuid4()),
        "pendamping_id": str(pendamping.id),
        "period": period,
        "visit_date": "2025-05-10",
        "method": "kunjungan",
        "k_K1": answers[0], "k_K2": answers[1], "k_K3": answers[2],
    }
    data.update(extra)
    return data


def income_payload(client, nik: str = "3273010101900001", intervention="2025-01-15", monitoring="2025-04-15",
                   before=1_000_000, after=1_500_000, **extra) -> dict:
    page = client.get("/pantau/pendapatan/catat")
    data = {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "instance_id": str(uuid.uuid4()),
        "nik": nik,
        "program_id": str(program("PENA").id),
        "cohort_year": "2025",
        "intervention_date": intervention,
        "monitoring_date": monitoring,
        "region_id": str(region("32.73").id),
        "household_size": "4",
        "measure": "pendapatan_rt",
        "income_before": str(before),
        "income_after": str(after),
        "business_status": "berjalan",
        "notes": "",
    }
    data.update(extra)
    return data


JSON = {"Accept": "application/json"}
__all__ = ["JSON", "as_user", "check_payload", "date", "field", "income_payload", "login", "program", "ptype", "region"]


def as_user(app, email: str):
    """A fresh client logged in as `email`.

    The tests run inside one app context, so flask-login's cached user in `g`
    and flask-wtf's CSRF token would leak from the previous client; drop them.
    """
    from flask import g

    for key in ("_login_user", "csrf_token"):  # flask-login's user and flask-wtf's token are cached in g
        g.pop(key, None)
    client = app.test_client()
    login(client, email)
    for key in ("_login_user", "csrf_token"):
        g.pop(key, None)
    return client
