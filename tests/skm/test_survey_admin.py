"""Admin: respondent categories (list/create/edit/deactivate) and QR posters per layanan."""
from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.models import RespondentCategory, SkmResponse
from app.skm import qr_poster
from tests.helpers import csrf_from, login


@pytest.fixture()
def admin(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    return client


def test_categories_list_create_edit_deactivate(admin):
    page = admin.get("/admin/kategori-responden")
    assert page.status_code == 200 and "Pilar Sosial Kelembagaan" in page.get_data(as_text=True)
    form = admin.get("/admin/kategori-responden/new").get_data(as_text=True)
    created = admin.post("/admin/kategori-responden/new", data={
        "csrf_token": csrf_from(form), "code": "Akademisi", "name": "Akademisi", "sort_order": "8", "active": "y"})
    assert created.status_code == 302
    row = db.session.scalar(select(RespondentCategory).where(RespondentCategory.code == "akademisi"))
    assert row.active and row.sort_order == 8
    edit = admin.get(f"/admin/kategori-responden/{row.id}").get_data(as_text=True)
    admin.post(f"/admin/kategori-responden/{row.id}", data={
        "csrf_token": csrf_from(edit), "code": "akademisi", "name": "Perguruan Tinggi", "sort_order": "9",
        "active": "y"})
    db.session.refresh(row)
    assert row.name == "Perguruan Tinggi"
    listing = admin.get("/admin/kategori-responden").get_data(as_text=True)
    admin.post(f"/admin/kategori-responden/{row.id}/deactivate", data={"csrf_token": csrf_from(listing)})
    db.session.refresh(row)
    assert not row.active


def test_category_validation_and_csrf(admin):
    form = admin.get("/admin/kategori-responden/new").get_data(as_text=True)
    taken = admin.post("/admin/kategori-responden/new", data={
        "csrf_token": csrf_from(form), "code": "masyarakat", "name": "Lagi", "sort_order": "1"})
    assert taken.status_code == 400 and "Kode sudah dipakai." in taken.get_data(as_text=True)
    bad = admin.post("/admin/kategori-responden/new", data={
        "csrf_token": csrf_from(form), "code": "a b", "name": "", "sort_order": "x"})
    assert bad.status_code == 400
    no_token = admin.post("/admin/kategori-responden/new", data={"code": "z", "name": "Z", "sort_order": "1"})
    assert no_token.status_code == 400
    assert db.session.scalar(select(RespondentCategory).where(RespondentCategory.name.in_(["Lagi", "Z"]))) is None


def test_deactivated_category_leaves_the_survey_form(client, tree, make_layanan):
    make_layanan("izin-ugb", tree["psds"], active=True)
    row = db.session.scalar(select(RespondentCategory).where(RespondentCategory.code == "ornop"))
    row.active = False
    db.session.commit()
    html = client.get("/s/izin-ugb").get_data(as_text=True)
    assert "Organisasi Non-Pemerintah" not in html and "Pemerintah Daerah" in html


def test_only_top_level_admins_change_categories(client, tree, make_user):
    make_user("sub@x.id", "admin", tree["dayasos"])
    login(client, "sub@x.id")
    assert client.get("/admin/kategori-responden").status_code == 200
    assert client.get("/admin/kategori-responden/new").status_code == 403
    assert client.post("/admin/kategori-responden/1/deactivate").status_code in (400, 403)
    assert db.session.scalar(select(RespondentCategory).where(RespondentCategory.id == 1)).active


def test_analysts_cannot_open_category_admin(client, tree, make_user):
    make_user("analis@x.id", "analyst", tree["root"])
    login(client, "analis@x.id")
    assert client.get("/admin/kategori-responden").status_code == 403


def test_poster_pdf_png_and_svg(admin, app, tree, make_layanan, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://skm.kemensos.go.id/")
    layanan = make_layanan("izin-ugb", tree["psds"], name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)")
    listing = admin.get("/admin/poster").get_data(as_text=True)
    assert "https://skm.kemensos.go.id/s/izin-ugb" in listing

    pdf = admin.get(f"/admin/layanan/{layanan.id}/poster.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="poster-skm-izin-ugb.pdf"' in pdf.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.data))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)
    for expected in ("Unit PSDS", "Survei Kepuasan Masyarakat", "Undian Gratis", "https://skm.kemensos.go.id/s/izin-ugb"):
        assert expected in text, text

    matrix = qr_poster.qr_matrix("https://skm.kemensos.go.id/s/izin-ugb")
    png = admin.get(f"/admin/layanan/{layanan.id}/qr.png")
    assert png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data)).convert("1")
    scale = image.width // (len(matrix) + 2 * qr_poster.QUIET_ZONE)
    quiet = qr_poster.QUIET_ZONE * scale
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            assert (image.getpixel((quiet + c * scale + 1, quiet + r * scale + 1)) == 0) == dark

    svg = admin.get(f"/admin/layanan/{layanan.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert svg.data.decode().count("h1v1h-1z") == sum(map(sum, matrix))


def test_qr_matrix_is_a_real_qr_code():
    matrix = qr_poster.qr_matrix("http://127.0.0.1:5000/s/izin-ugb")
    size = len(matrix)
    assert size >= 21 and (size - 17) % 4 == 0  # QR versions are 21, 25, 29... modules wide
    finder = [[1, 1, 1, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0, 1], [1, 0, 1, 1, 1, 0, 1], [1, 0, 1, 1, 1, 0, 1],
              [1, 0, 1, 1, 1, 0, 1], [1, 0, 0, 0, 0, 0, 1], [1, 1, 1, 1, 1, 1, 1]]
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):
        assert [[int(matrix[top + r][left + c]) for c in range(7)] for r in range(7)] == finder
    assert [int(matrix[6][c]) for c in range(8, size - 8)] == [(c + 1) % 2 for c in range(8, size - 8)]  # timing


def test_posters_are_scoped_and_admin_only(client, tree, make_user, make_layanan):
    outside = make_layanan("rehab", tree["rehsos"])
    inside = make_layanan("pena", tree["psds"])
    make_user("dayasos@x.id", "admin", tree["dayasos"])
    login(client, "dayasos@x.id")
    assert client.get(f"/admin/layanan/{inside.id}/qr.svg").status_code == 200
    for suffix in ("poster.pdf", "qr.png", "qr.svg"):
        assert client.get(f"/admin/layanan/{outside.id}/{suffix}").status_code == 404
    assert "rehab" not in client.get("/admin/poster").get_data(as_text=True)


def test_posters_need_the_admin_role(client, tree, make_user, make_layanan):
    inside = make_layanan("pena", tree["psds"])
    make_user("analis@x.id", "analyst", tree["root"])
    login(client, "analis@x.id")
    assert client.get(f"/admin/layanan/{inside.id}/poster.pdf").status_code == 403
    assert re.search("Akses ditolak", client.get("/admin/poster").get_data(as_text=True))
    client.post("/logout")


def test_demo_seed_adds_responses_once(app, client):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    first = db.session.scalar(select(func.count()).select_from(SkmResponse))
    assert first > 0
    runner.invoke(args=["seed-demo"])
    assert db.session.scalar(select(func.count()).select_from(SkmResponse)) == first
    html = client.get("/hasil/KEMENSOS").get_data(as_text=True)
    assert "Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)" in html and "36</td>" in html
    assert client.get("/s/izin-ugb").status_code == 200


def test_demo_responses_carry_some_kritik_that_the_laporan_and_triage_show(app, client):
    """About one demo respondent in seven writes a kritik/saran, so the Laporan SKM section 4.2 and the
    triage page have something to show; the scores stay those of the demo without text."""
    from app.admin.demo import DEMO_PASSWORD
    from app.models import Unit

    app.test_cli_runner().invoke(args=["seed-demo"])
    total = db.session.scalar(select(func.count()).select_from(SkmResponse))
    texts = list(db.session.scalars(select(SkmResponse.kritik_saran).where(SkmResponse.kritik_saran.is_not(None))))
    assert 0.10 * total <= len(texts) <= 0.20 * total
    assert len(set(texts)) == len(texts)  # varied, not one sentence repeated
    kemensos = db.session.scalar(select(Unit).where(Unit.code == "KEMENSOS"))
    # the demo's answers are minutes apart, ending now: they may straddle a month (or year) boundary
    months = set(db.session.scalars(select(SkmResponse.period).where(SkmResponse.kritik_saran.is_not(None))))
    login(client, "admin@pantau.local", DEMO_PASSWORD)
    in_reports = 0
    for year in {month[:4] for month in months}:
        reply = client.get(f"/laporan/ikm.laporan-skm?period={year}&unit={kemensos.id}")
        assert reply.status_code == 200
        pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(reply.data)).pages)
        section = pdf[pdf.index("4.2 Tema kritik dan saran"):pdf.index("BAB V")]
        assert "Tidak ada kritik" not in section
        in_reports += int(re.search(r"masuk (\d+) kritik dan saran", section).group(1))
    assert in_reports == len(texts)
    pages = ""
    for month in months:
        page = client.get(f"/tindak-lanjut/kritik?unit={kemensos.id}&periode={month}").get_data(as_text=True)
        assert "Tidak ada kritik" not in page
        pages += html.unescape(page)
    assert all(text in pages for text in texts)
