"""Region filter on the IKM dashboard, exports and CLI: only layanan located in the region's subtree count."""
import csv
import io
import json
import random

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from analysis.ikm import compute_ikm
from app.core import demo
from app.extensions import db
from app.models import AuditEvent, Layanan, Region
from tests.helpers import csrf_from, login
from tests.report_data import as_answers, insert_rows, make_rows


def _region(code, name, level, parent=None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    db.session.add(region)
    db.session.commit()
    return region


@pytest.fixture()
def world(tree, make_layanan, make_user):
    """Jawa Barat (Kota Bandung below it) and NTT; layanan in Kota Bandung, Jawa Barat itself, NTT and nowhere."""
    jabar = _region("32", "Jawa Barat", "provinsi")
    bandung = _region("32.73", "Kota Bandung", "kabkota", jabar)
    ntt = _region("53", "Nusa Tenggara Timur", "provinsi")
    rng = random.Random(2017)
    lay = {
        "bdg": make_layanan("lay-bdg", tree["psds"], name="Sentra Bandung", region_id=bandung.id),
        "jabar": make_layanan("lay-jabar", tree["dayasos"], name="Dinas Jabar", region_id=jabar.id),
        "ntt": make_layanan("lay-ntt", tree["psds"], name="Sentra Kupang", region_id=ntt.id),
        "none": make_layanan("lay-none", tree["psds"], name="Izin Pusat"),
        "rehsos": make_layanan("lay-rehsos", tree["rehsos"], name="Layanan Rehsos", region_id=bandung.id),
    }
    counts = {"bdg": 23, "jabar": 17, "ntt": 11, "none": 7, "rehsos": 13}
    rows = []
    for key, n in counts.items():
        rows += make_rows(lay[key], "2025-03", n, rng)
    insert_rows(rows)
    make_user("analis@x.id", "analyst", tree["dayasos"])
    make_user("rehsos@x.id", "analyst", tree["rehsos"])
    make_user("admin@x.id", "admin", tree["root"])
    return {"rows": rows, "lay": lay, "jabar": jabar, "bandung": bandung, "ntt": ntt, **tree}


def _expected(world, keys):
    """IKM per layanan slug recomputed from the raw rows inserted for those layanan."""
    out = {}
    for key in keys:
        layanan = world["lay"][key]
        out[layanan.slug] = compute_ikm(as_answers([r for r in world["rows"] if r["layanan_id"] == layanan.id]))
    return out


def _check_json(doc, expected):
    items = {item["slug"]: item for item in doc["layanan"]}
    assert set(items) == set(expected)
    for slug, result in expected.items():
        assert items[slug]["n_respondents"] == result.n_respondents
        assert items[slug]["score"] == pytest.approx(result.score, abs=1e-12)
    total = sum(r.n_respondents for r in expected.values())
    assert doc["rollup"]["n_respondents"] == total
    rolled = sum(r.score * r.n_respondents for r in expected.values()) / total
    assert doc["rollup"]["score"] == pytest.approx(rolled, abs=1e-9)
    assert doc["pooled"]["n_respondents"] == total


def test_province_filter_takes_its_kabkota_and_drops_others(client, world):
    login(client, "analis@x.id")
    doc = client.get("/laporan/ikm.json?period=2025&region=32").get_json()
    # Jawa Barat: the Kota Bandung sentra (sub-region) and the provincial dinas; not NTT, not the unlocated one,
    # and never REHSOS's Bandung layanan, which is outside the analyst's unit.
    _check_json(doc, _expected(world, ["bdg", "jabar"]))
    assert doc["rollup"]["n_respondents"] == 23 + 17
    assert doc["region"] == {"code": "32", "name": "Jawa Barat", "level": "provinsi"}
    assert doc["region_label"] == "Wilayah: Jawa Barat"
    assert doc["flags"]["total"] == 23 + 17


def test_kabkota_filter_and_no_filter(client, world):
    login(client, "analis@x.id")
    kota = client.get("/laporan/ikm.json?period=2025&region=32.73").get_json()
    _check_json(kota, _expected(world, ["bdg"]))
    ntt = client.get("/laporan/ikm.json?period=2025&region=53").get_json()
    _check_json(ntt, _expected(world, ["ntt"]))
    everything = client.get("/laporan/ikm.json?period=2025").get_json()
    _check_json(everything, _expected(world, ["bdg", "jabar", "ntt", "none"]))
    assert everything["region"] is None and everything["region_label"] == "Wilayah: semua wilayah"
    assert client.get("/laporan/ikm.json?period=2025&region=").get_json()["rollup"]["n_respondents"] == 58


def test_dashboard_shows_region_and_only_its_layanan(client, world):
    login(client, "analis@x.id")
    page = client.get("/laporan/?period=2025&region=32")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Wilayah: Jawa Barat" in html
    assert "Sentra Bandung" in html and "Dinas Jabar" in html
    table = html.split("<h2>Per layanan</h2>", 1)[1].split("</section>", 1)[0]
    assert "Sentra Kupang" not in table and "Izin Pusat" not in table
    assert 'region=32' in html  # the download links keep the filter
    assert '<option selected value="32">' in html or '<option value="32" selected>' in html


def test_csv_xlsx_pdf_follow_the_filter(client, world):
    login(client, "analis@x.id")
    response = client.get("/laporan/ikm.csv?period=2025&region=32.73")
    assert response.status_code == 200
    assert "ikm-dayasos-32.73-2025.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 23
    assert {r["layanan"] for r in rows} == {"lay-bdg"}

    book = load_workbook(io.BytesIO(client.get("/laporan/ikm.xlsx?period=2025&region=53").data), read_only=True)
    info = dict(book["Keterangan"].iter_rows(min_row=2, values_only=True))
    assert info["Kode wilayah"] == "53" and info["Wilayah"] == "Nusa Tenggara Timur"
    assert len(list(book["Responden"].iter_rows(min_row=3))) == 11  # row 1 labels, row 2 codes

    pdf = client.get("/laporan/ikm.pdf?period=2025&region=32").data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Wilayah: Jawa Barat" in text and "Sentra Bandung" in text and "Sentra Kupang" not in text


@pytest.mark.parametrize("path", ["/laporan/", "/laporan/ikm.json", "/laporan/ikm.csv", "/laporan/ikm.pdf",
                                  "/laporan/ikm.xlsx", "/laporan/ikm.csv-id"])
def test_unknown_region_is_a_clear_400(client, world, path):
    login(client, "analis@x.id")
    response = client.get(f"{path}?period=2025&region=99.99")
    assert response.status_code == 400
    text = response.get_data(as_text=True).replace("&#39;", "'")
    assert "Wilayah dengan kode '99.99' tidak ditemukan." in text


def test_region_filter_with_one_layanan(client, world):
    login(client, "analis@x.id")
    inside = client.get(f"/laporan/ikm.json?period=2025&region=32&layanan={world['lay']['bdg'].id}").get_json()
    _check_json(inside, _expected(world, ["bdg"]))
    outside = client.get(f"/laporan/ikm.json?period=2025&region=53&layanan={world['lay']['bdg'].id}").get_json()
    assert outside["layanan"] == [] and outside["rollup"] is None


def test_scope_still_enforced_with_a_region(client, world):
    login(client, "rehsos@x.id")
    assert client.get(f"/laporan/ikm.json?period=2025&region=32&unit={world['dayasos'].id}").status_code == 404
    assert client.get(f"/laporan/?period=2025&region=32&layanan={world['lay']['bdg'].id}").status_code == 404
    own = client.get("/laporan/ikm.json?period=2025&region=32").get_json()
    _check_json(own, _expected(world, ["rehsos"]))  # REHSOS's own Bandung layanan only


def test_monitor_gets_403_with_a_region(client, world, make_user):
    make_user("monitor@x.id", "monitor", world["dayasos"])
    login(client, "monitor@x.id")
    assert client.get("/laporan/ikm.json?period=2025&region=32").status_code == 403
    assert client.get("/laporan/?period=2025&region=32").status_code == 403


def _post_form(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_admin_form_stores_and_clears_the_region(client, world):
    login(client, "admin@x.id")
    page = client.get("/admin/layanan/new").get_data(as_text=True)
    assert "— semua wilayah —" in page and "32.73 Kota Bandung" in page
    response = _post_form(client, "/admin/layanan/new", {
        "name": "Sentra Baru", "slug": "sentra-baru", "unit_id": world["psds"].id,
        "region_id": world["bandung"].id, "active": "y"})
    assert response.status_code == 302
    layanan = db.session.scalar(select(Layanan).where(Layanan.slug == "sentra-baru"))
    assert layanan.region_id == world["bandung"].id
    assert "Kota Bandung" in client.get("/admin/layanan").get_data(as_text=True)

    edit = client.get(f"/admin/layanan/{layanan.id}").get_data(as_text=True)
    assert f'<option selected value="{world["bandung"].id}">' in edit \
        or f'<option value="{world["bandung"].id}" selected>' in edit
    response = _post_form(client, f"/admin/layanan/{layanan.id}", {
        "name": "Sentra Baru", "slug": "sentra-baru", "unit_id": world["psds"].id, "region_id": 0, "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Layanan, layanan.id).region_id is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.before["region_id"] == world["bandung"].id and event.after["region_id"] is None

    bad = _post_form(client, f"/admin/layanan/{layanan.id}", {
        "name": "Sentra Baru", "slug": "sentra-baru", "unit_id": world["psds"].id, "region_id": 987654})
    assert bad.status_code == 400
    db.session.expire_all()
    assert db.session.get(Layanan, layanan.id).region_id is None


def test_cli_region(app, world, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "ikm.json"
    result = runner.invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025", "--region", "32",
                                 "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wilayah: Jawa Barat" in result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    _check_json(doc, _expected(world, ["bdg", "jabar"]))
    assert doc["region_label"] == "Wilayah: Jawa Barat"

    root = runner.invoke(args=["report", "ikm", "--unit", "KEMENSOS", "--period", "2025", "--region", "32.73"])
    assert root.exit_code == 0, root.output
    _check_json(json.loads(root.output), _expected(world, ["bdg", "rehsos"]))

    csv_out = tmp_path / "ikm.csv"
    result = runner.invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025", "--region", "53",
                                 "--format", "csv", "--out", str(csv_out)])
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))) == 11

    bad = runner.invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025", "--region", "99"])
    assert bad.exit_code != 0 and "wilayah '99' tidak ditemukan" in bad.output


def test_seed_demo_regions_are_idempotent_and_respect_admin_choices(app):
    demo.seed()
    by_slug = {s.slug: s for s in db.session.scalars(select(Layanan))}
    assert by_slug["pena"].region.code == "32.73" and by_slug["kat"].region.code == "94"
    assert by_slug["izin-ugb"].region_id is None
    kupang = db.session.scalar(select(Region).where(Region.code == "53.71"))
    by_slug["pena"].region_id = kupang.id  # an admin moved it
    db.session.commit()
    assert demo.seed() == 0
    db.session.expire_all()
    assert db.session.scalar(select(Layanan).where(Layanan.slug == "pena")).region.code == "53.71"
