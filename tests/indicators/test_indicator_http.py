"""Indicator pages and CLI: scope, admin-only edits, target revisions, consistency check, loader."""
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Indicator, IndicatorTarget
from tests.helpers import csrf_from, login

DEFINITIONS = [
    {"unit": "DAYASOS", "code": "IKU-2.1", "name": "Pendamping optimal sesuai standar", "source": "manual",
     "targets": [{"year": 2022, "revision": "PK Januari", "effective_date": "2022-01-15", "value": 91}],
     "manual": [{"year": 2022, "n": 330, "t": 370, "note": "LKj Dayasos 2022, hlm. 45"}]},
    {"unit": "DAYASOS", "code": "IKU-2", "name": "Agregat", "source": "aggregate", "aggregate_method": "mean",
     "components": ["IKU-2.1"]},
]


@pytest.fixture()
def world(tree, make_user, tmp_path, app):
    make_user("analis@x.id", "analyst", tree["dayasos"])
    make_user("admin@x.id", "admin", tree["dayasos"])
    make_user("monitor@x.id", "monitor", tree["dayasos"])
    path = tmp_path / "ind.json"
    path.write_text(json.dumps(DEFINITIONS + [
        {"unit": "REHSOS", "code": "IKU-9", "name": "Milik Rehsos", "source": "manual"}]), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["load-indicators", str(path)])
    assert result.exit_code == 0, result.output
    ours = db.session.scalar(select(Indicator).where(Indicator.code == "IKU-2.1"))
    theirs = db.session.scalar(select(Indicator).where(Indicator.code == "IKU-9"))
    return {"ours": ours, "theirs": theirs, **tree}


def test_loader_is_idempotent_and_validates_first(app, world, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "again.json"
    path.write_text(json.dumps(DEFINITIONS), encoding="utf-8")
    again = runner.invoke(args=["load-indicators", str(path)])
    assert "0 baru, 2 diperbarui" in again.output
    assert db.session.scalar(select(Indicator).where(Indicator.code == "IKU-2")).components[0].code == "IKU-2.1"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"unit": "DAYASOS", "code": "NEW", "name": "x", "source": "manual"},
                               {"unit": "NOPE", "code": "X", "name": "y", "source": "magic"}]), encoding="utf-8")
    failed = runner.invoke(args=["load-indicators", str(bad)])
    assert failed.exit_code == 1 and "unit 'NOPE' tidak ditemukan" in failed.output
    assert db.session.scalar(select(Indicator).where(Indicator.code == "NEW")) is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert runner.invoke(args=["load-indicators", str(broken)]).exit_code != 0


def test_cli_report_indicators(app, world, tmp_path):
    out = tmp_path / "ind.json"
    result = app.test_cli_runner().invoke(args=["report", "indicators", "--unit", "DAYASOS", "--year", "2022",
                                                "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    by_code = {i["code"]: i for i in doc["indicators"]}
    assert set(by_code) == {"IKU-2", "IKU-2.1"}
    assert by_code["IKU-2.1"]["value"] == pytest.approx(330 / 370 * 100)
    assert by_code["IKU-2.1"]["capaian"] == pytest.approx(330 / 370 * 100 / 91 * 100)
    assert by_code["IKU-2.1"]["target"]["revision"] == "PK Januari"
    assert by_code["IKU-2"]["value"] == pytest.approx(330 / 370 * 100)


def test_realisasi_pages_are_scoped(client, world):
    login(client, "analis@x.id")
    page = client.get("/indikator/?year=2022")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "89,19" in html and "98,01" in html and "IKU-9" not in html
    detail = client.get(f"/indikator/{world['ours'].id}?year=2022")
    assert detail.status_code == 200 and "PK Januari" in detail.get_data(as_text=True)
    assert client.get(f"/indikator/{world['theirs'].id}?year=2022").status_code == 404
    assert client.get("/indikator/?year=abc").status_code == 400
    assert client.get(f"/indikator/{world['ours'].id}/ubah").status_code == 403


def test_monitor_is_refused(client, world):
    login(client, "monitor@x.id")
    assert client.get("/indikator/").status_code == 403
    assert client.get("/indikator/cek").status_code == 403


def test_admin_adds_target_revision_and_keeps_the_first(client, world):
    login(client, "admin@x.id")
    page = client.get(f"/indikator/{world['ours'].id}?year=2022")
    token = csrf_from(page.get_data(as_text=True))
    url = f"/indikator/{world['ours'].id}/target"
    saved = client.post(url, data={"csrf_token": token, "year": "2022", "revision": "PK Agustus",
                                   "effective_date": "2022-08-01", "value": "95"})
    assert saved.status_code == 302
    revisions = db.session.scalars(select(IndicatorTarget.revision).order_by(IndicatorTarget.effective_date)).all()
    assert revisions == ["PK Januari", "PK Agustus"]
    html = client.get(f"/indikator/{world['ours'].id}?year=2022").get_data(as_text=True)
    assert "PK Agustus, berlaku 2022-08-01" in html and "93,88" in html
    duplicate = client.post(url, data={"csrf_token": token, "year": "2022", "revision": "PK Agustus",
                                       "effective_date": "2022-09-01", "value": "96"})
    assert duplicate.status_code == 400 and "sudah ada" in duplicate.get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": token, "year": "1999", "revision": "x", "effective_date": "kemarin",
                                 "value": "abc"})
    assert bad.status_code == 400
    other = client.post(f"/indikator/{world['theirs'].id}/target", data={
        "csrf_token": token, "year": "2022", "revision": "PK", "effective_date": "2022-01-01", "value": "1"})
    assert other.status_code == 404


def test_admin_creates_indicator_within_scope(client, world):
    login(client, "admin@x.id")
    page = client.get("/indikator/baru")
    assert page.status_code == 200 and "REHSOS" not in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    form = {"csrf_token": token, "unit_id": world["dayasos"].id, "code": "IKP-1", "name": "Baru",
            "kind": "percentage", "polarity": "positive", "source": "manual", "ci_method": "wilson",
            "use_fpc": "y", "aggregate_method": "mean", "active": "y"}
    assert client.post("/indikator/baru", data=form).status_code == 302
    assert client.post("/indikator/baru", data=form).status_code == 400  # code taken in this unit
    outside = dict(form, unit_id=world["rehsos"].id, code="IKP-2")
    assert client.post("/indikator/baru", data=outside).status_code == 400
    no_layanan = dict(form, code="IKP-3", source="skm")
    assert "minimal satu layanan" in client.post("/indikator/baru", data=no_layanan).get_data(as_text=True)


def test_consistency_check_explains_atensi(client, world):
    login(client, "analis@x.id")
    token = csrf_from(client.get("/indikator/cek").get_data(as_text=True))
    page = client.post("/indikator/cek", data={"csrf_token": token, "n": "5209", "t": "6665", "population": "12001",
                                               "sample_share": "78,15", "realisasi": "78,15", "target": "80",
                                               "capaian": "97,69", "polarity": "positive"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sampel dilaporkan 78,15% dari populasi, tetapi 6.665 dari 12.001 = 55,54%." in html
    assert "Realisasi dilaporkan 78,15%" not in html  # 5209/6665 = 78.15 is consistent
    ok = client.post("/indikator/cek", data={"csrf_token": token, "n": "330", "t": "370", "realisasi": "89,19",
                                             "target": "91", "capaian": "98,01", "polarity": "positive"})
    assert "Tidak ada selisih" in ok.get_data(as_text=True)
    bad = client.post("/indikator/cek", data={"csrf_token": token, "realisasi": "banyak", "target": "91",
                                              "capaian": "1", "polarity": "positive"})
    assert bad.status_code == 400 and "tidak dapat dibaca" in bad.get_data(as_text=True)
