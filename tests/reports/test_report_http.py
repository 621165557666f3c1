"""Dashboard and report endpoints: scope by unit subtree, roles, and clear 4xx for bad filters."""
import random

import pytest

from app.extensions import db
from app.models import ServicePopulation
from tests.helpers import csrf_from, login
from tests.report_data import insert_rows, make_rows

FORMATS = ("pdf", "csv", "xlsx", "json")


@pytest.fixture()
def world(tree, make_layanan, make_user):
    rng = random.Random(7)
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    c = make_layanan("lay-c", tree["rehsos"], name="Layanan Rehsos")
    insert_rows(make_rows(a, "2025-02", 30, rng) + make_rows(c, "2025-02", 30, rng))
    users = {
        "analyst": make_user("analis@x.id", "analyst", tree["dayasos"]),
        "monitor": make_user("monitor@x.id", "monitor", tree["dayasos"]),
        "admin": make_user("admin@x.id", "admin", tree["dayasos"]),
        "root_analyst": make_user("root@x.id", "analyst", tree["root"]),
    }
    return {"a": a, "c": c, **tree, **users}


def test_analyst_sees_own_subtree_dashboard(client, world):
    login(client, "analis@x.id")
    page = client.get("/laporan/?period=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Izin UGB" in html and "Layanan Rehsos" not in html
    assert "<svg" in html and "prioritas perbaikan" in html
    assert "style=" not in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_refuse_other_units(client, world, fmt):
    login(client, "analis@x.id")
    assert client.get(f"/laporan/ikm.{fmt}?period=2025&unit={world['rehsos'].id}").status_code == 404
    assert client.get(f"/laporan/ikm.{fmt}?period=2025&layanan={world['c'].id}").status_code == 404
    assert client.get(f"/laporan/ikm.{fmt}?period=2025&unit={world['root'].id}").status_code == 404
    own = client.get(f"/laporan/ikm.{fmt}?period=2025&unit={world['dayasos'].id}")
    assert own.status_code == 200
    assert b"Rehsos" not in own.data and b"lay-c" not in own.data


def test_dashboard_refuses_other_units(client, world):
    login(client, "analis@x.id")
    assert client.get(f"/laporan/?period=2025&unit={world['rehsos'].id}").status_code == 404
    assert client.get(f"/laporan/?period=2025&layanan={world['c'].id}").status_code == 404


def test_layanan_must_lie_inside_the_chosen_unit(client, world):
    login(client, "root@x.id")
    bad = client.get(f"/laporan/ikm.json?period=2025&unit={world['rehsos'].id}&layanan={world['a'].id}")
    assert bad.status_code == 404
    good = client.get(f"/laporan/ikm.json?period=2025&unit={world['root'].id}")
    assert {item["slug"] for item in good.get_json()["layanan"]} == {"lay-a", "lay-c"}


@pytest.mark.parametrize("path", ["/laporan/?period=2025", *(f"/laporan/ikm.{f}?period=2025" for f in FORMATS)])
def test_monitor_gets_403_and_anonymous_must_log_in(client, world, path):
    assert client.get(path).status_code == 302
    login(client, "monitor@x.id")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("query", ["period=2025-13", "period=abc", "period=2025&unit=abc", "period=2025&layanan=x1"])
def test_bad_filters_are_400_in_indonesian(client, world, query):
    login(client, "analis@x.id")
    page = client.get(f"/laporan/?{query}")
    assert page.status_code == 400
    assert "Pilihan tidak valid" in page.get_data(as_text=True) or "eriode" in page.get_data(as_text=True)
    export = client.get(f"/laporan/ikm.json?{query}")
    assert export.status_code == 400
    assert client.get(f"/laporan/ikm.json?{query}", headers={"Accept": "application/json"}).get_json()["code"] == 400


def test_unknown_export_format_is_404(client, world):
    login(client, "analis@x.id")
    assert client.get("/laporan/ikm.exe?period=2025").status_code == 404


def test_admin_enters_population_within_scope(client, world):
    login(client, "admin@x.id")
    page = client.get("/laporan/populasi")
    assert page.status_code == 200 and "Layanan Rehsos" not in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    saved = client.post("/laporan/populasi", data={"csrf_token": token, "layanan_id": world["a"].id,
                                                   "period": "2025", "population": "400", "note": "data loket"})
    assert saved.status_code == 302
    row = db.session.query(ServicePopulation).one()
    assert (row.layanan_id, row.period, row.population) == (world["a"].id, "2025", 400)
    again = client.post("/laporan/populasi", data={"csrf_token": token, "layanan_id": world["a"].id,
                                                   "period": "2025", "population": "500"})
    assert again.status_code == 302 and db.session.query(ServicePopulation).one().population == 500
    outside = client.post("/laporan/populasi", data={"csrf_token": token, "layanan_id": world["c"].id,
                                                     "period": "2025", "population": "10"})
    assert outside.status_code == 400 and db.session.query(ServicePopulation).count() == 1
    bad = client.post("/laporan/populasi", data={"csrf_token": token, "layanan_id": world["a"].id,
                                                 "period": "2025-Q9", "population": "-3"})
    assert bad.status_code == 400 and "Harus 1 atau lebih" in bad.get_data(as_text=True)
    no_csrf = client.post("/laporan/populasi", data={"layanan_id": world["a"].id, "period": "2025",
                                                     "population": "10"})
    assert no_csrf.status_code == 400
    data = client.get(f"/laporan/ikm.json?period=2025&layanan={world['a'].id}").get_json()
    assert data["layanan"][0]["population"] == 500 and data["layanan"][0]["krejcie_morgan_target"] == 217


def test_analyst_cannot_enter_population(client, world):
    login(client, "analis@x.id")
    assert client.get("/laporan/populasi").status_code == 403


def test_dashboard_says_what_a_missing_population_means(client, world):
    login(client, "analis@x.id")
    html = client.get("/laporan/?period=2025").get_data(as_text=True)
    assert "belum diisi admin" not in html and "Populasi (N)" not in html
    assert "Populasi pengguna layanan belum dicatat, sehingga target sampel tidak dihitung." in html
