"""The public survey pages: listing, the form, 404s, page weight and first-party only."""
from __future__ import annotations

import re

import pytest

from analysis.ikm import UNSUR
from app.skm import submit as skm_submit

PAGE_BUDGET = 30 * 1024


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)


def test_index_lists_only_active_layanan(client, tree, make_layanan, layanan):
    make_layanan("lama", tree["psds"], name="Layanan Lama", active=False)
    html = client.get("/s/").get_data(as_text=True)
    assert 'href="/s/izin-ugb"' in html and "Izin UGB" in html
    assert "Layanan Lama" not in html


def test_form_has_profile_nine_unsur_with_wording_and_fresh_ids(client, layanan):
    response = client.get("/s/izin-ugb")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html and "Kritik dan saran" in html
    for number, unsur in enumerate(UNSUR, start=1):
        block = re.search(rf'<fieldset class="q card" id="q-{unsur.code.lower()}">(.*?)</fieldset>', html, re.S)
        assert block, unsur.code
        assert f"{number}. {unsur.name}" in block.group(1) and unsur.description in block.group(1)
        for value, label in enumerate(unsur.labels, start=1):
            # `required` on the group's first radio makes the whole group required (HTML)
            required = " required" if value == 1 else ""
            assert f'name="{unsur.code.lower()}" value="{value}"{required}> {label}</label>' in block.group(1)
    for label in ("Jenis kelamin", "Usia", "Pendidikan terakhir", "Pekerjaan utama", "Unsur responden",
                  "Masyarakat", "Pilar Sosial Perorangan", "D4/S1", "Wirausaha"):
        assert label in html
    first = re.search(r'name="instance_id" value="([0-9a-f-]{36})"', html).group(1)
    second = re.search(r'name="instance_id" value="([0-9a-f-]{36})"', client.get("/s/izin-ugb").get_data(as_text=True))
    assert first != second.group(1)  # no-JS path: a fresh server-side id per page view
    cookie = response.headers["Set-Cookie"]
    assert skm_submit.DEVICE_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("slug", ["tidak-ada", "lama", "x" * 200])
def test_unknown_or_inactive_survey_is_a_friendly_404(client, tree, make_layanan, slug):
    make_layanan("lama", tree["psds"], active=False)
    for response in (client.get(f"/s/{slug}"), client.post(f"/s/{slug}", data={})):
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_layanan_of_inactive_unit_is_404(client, tree, make_layanan, app):
    from app.extensions import db

    make_layanan("tutup", tree["rehsos"], active=True)
    tree["rehsos"].active = False
    db.session.commit()
    assert client.get("/s/tutup").status_code == 404


def test_page_and_everything_it_loads_fits_30_kb_and_stays_first_party(client, layanan):
    html = client.get("/s/izin-ugb").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {a.rsplit("/", 1)[-1] for a in assets} == {"app.css", "survey.css", "outbox-core.js", "offline-queue.js",
                                                      "survey.js"}
    total = len(html.encode())
    for asset in [*assets, "/sw.js"]:
        response = client.get(asset)
        assert response.status_code == 200, asset
        total += len(response.data)
    assert total <= PAGE_BUDGET, total
    # Nothing points at another origin: no absolute http(s) URLs or protocol-relative ones.
    assert not re.search(r'(?:href|src|action)="(?:https?:)?//', html)
    assert "style=" not in html and "<script>" not in html  # CSP: no inline styles or scripts


def test_service_worker_is_served_from_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript" and response.headers["Cache-Control"] == "no-cache"
    assert b"(s|pantau|static)" in response.data  # covers the survey and the monitors' pages
    assert b"pantau-shell-" in response.data and b"__VERSION__" not in response.data  # versioned cache


def test_thanks_page_links_to_public_results(client, layanan):
    html = client.get("/s/izin-ugb/terima-kasih").get_data(as_text=True)
    assert "Terima kasih" in html and 'href="/hasil/PSDS"' in html
