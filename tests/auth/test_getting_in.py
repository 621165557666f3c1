"""Getting in (issue 13): the bare domain and the login page lead respondents to the survey
list; posters and printed links use PUBLIC_BASE_URL only when it is set; a poster link in the
admin navigation and one PDF with every poster of a unit; a favicon; `make run` tells its URL."""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.helpers import login

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def admin(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["dayasos"])
    login(client, "admin@x.id")
    return client


def test_the_bare_domain_offers_the_survey_list_and_staff_login(client, tree):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/s/"' in html and 'href="/login"' in html
    assert "survei" in html.lower()


def test_the_login_page_links_to_the_survey_list(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/s/"' in html


def test_signed_in_users_still_go_home_from_the_root(admin):
    response = admin.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/beranda")


def test_without_public_base_url_printed_links_follow_the_request(admin, app, tree, make_layanan, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", None)
    login(admin, "admin@x.id", base_url="http://pantau.local:5077")  # cookies are per host
    make_layanan("izin-ugb", tree["psds"], name="Izin UGB")
    listing = admin.get("/admin/poster", base_url="http://pantau.local:5077").get_data(as_text=True)
    assert "http://pantau.local:5077/s/izin-ugb" in listing and ":5000" not in listing


def test_public_base_url_wins_when_set(admin, app, tree, make_layanan, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://skm.kemensos.go.id/")
    login(admin, "admin@x.id", base_url="http://pantau.local:5077")  # cookies are per host
    make_layanan("izin-ugb", tree["psds"], name="Izin UGB")
    listing = admin.get("/admin/poster", base_url="http://pantau.local:5077").get_data(as_text=True)
    assert "https://skm.kemensos.go.id/s/izin-ugb" in listing and "pantau.local" not in listing


def test_public_base_url_is_unset_by_default(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert build_config(str(tmp_path)).get("PUBLIC_BASE_URL") is None


def test_admin_navigation_links_the_posters(admin):
    html = admin.get("/beranda").get_data(as_text=True)
    nav = html[html.index("<nav>"):html.index("</nav>")]
    assert 'href="/admin/poster"' in nav


def test_all_posters_of_a_unit_in_one_pdf(admin, tree, make_layanan):
    make_layanan("izin-ugb", tree["psds"], name="Izin UGB")
    make_layanan("izin-pub", tree["dayasos"], name="Izin PUB")
    make_layanan("mati", tree["dayasos"], name="Layanan Mati", active=False)
    make_layanan("rehab", tree["rehsos"], name="Rehabilitasi")  # another unit: not in DAYASOS's posters
    listing = admin.get("/admin/poster").get_data(as_text=True)
    link = re.search(r'href="(/admin/unit/(\d+)/poster\.pdf)"', listing)
    assert link and int(link.group(2)) == tree["dayasos"].id
    pdf = admin.get(link.group(1))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="poster-skm-dayasos.pdf"' in pdf.headers["Content-Disposition"]
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages]
    assert len(pages) == 2
    assert "Izin PUB" in pages[0] and "/s/izin-pub" in pages[0] and "Izin UGB" in pages[1]
    assert not any("Mati" in p or "Rehabilitasi" in p for p in pages)


def test_unit_posters_are_scoped(admin, tree, make_layanan):
    make_layanan("izin-ugb", tree["psds"], name="Izin UGB")
    make_layanan("rehab", tree["rehsos"], name="Rehabilitasi")
    assert admin.get(f"/admin/unit/{tree['rehsos'].id}/poster.pdf").status_code == 404
    assert admin.get(f"/admin/unit/{tree['psds'].id}/poster.pdf").status_code == 200


def test_unit_without_active_layanan_gets_a_message_not_an_empty_pdf(admin, tree):
    response = admin.get(f"/admin/unit/{tree['psds'].id}/poster.pdf", follow_redirects=True)
    assert response.status_code == 200 and "Belum ada layanan aktif" in response.get_data(as_text=True)


def test_favicon_is_served_and_linked(client, admin):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    assert Image.open(io.BytesIO(response.data)).format == "ICO"
    html = admin.get("/beranda").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(href).status_code == 200


def test_make_run_uses_the_port_it_is_given():
    dry = subprocess.run(["make", "-n", "run", "PORT=5077"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "--base-url http://127.0.0.1:5077" in dry.stdout and "--bind 127.0.0.1:5077" in dry.stdout
    assert "PORT=" in (ROOT / "README.md").read_text()
