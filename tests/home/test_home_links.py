"""The home page points each role at its work, and every link on it opens (200) for that role."""
import re

import pytest

from app.admin import demo
from tests.helpers import login

MENU_RE = re.compile(r'<ul class="menu">(.*?)</ul>', re.S)
HREF_RE = re.compile(r'href="([^"]+)"')
ANALYST_LINKS = {"/laporan/", "/indikator/", "/indikator/cek", "/pantau/pendamping", "/pantau/pendapatan"}
MONITOR_LINKS = {"/pantau/pendamping/catat", "/pantau/pendapatan/catat", "/pantau/pendamping", "/pantau/pendapatan"}
ADMIN_ONLY = {"/admin/units", "/laporan/populasi", "/pantau/admin/impor"}


@pytest.mark.parametrize(("email", "must", "must_not"), [
    ("admin@pantau.local", ANALYST_LINKS | ADMIN_ONLY, {"/pantau/pendamping/catat", "/pantau/pendapatan/catat"}),
    ("analis@pantau.local", ANALYST_LINKS, ADMIN_ONLY | {"/pantau/pendamping/catat"}),
    ("monitor@pantau.local", MONITOR_LINKS, ADMIN_ONLY | {"/laporan/", "/indikator/", "/indikator/cek"}),
])
def test_home_links_resolve_for_each_role(app, client, email, must, must_not):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    assert login(client, email, demo.DEMO_PASSWORD).status_code == 302
    home = client.get("/beranda")
    assert home.status_code == 200
    links = set(HREF_RE.findall(MENU_RE.search(home.get_data(as_text=True)).group(1)))
    assert must <= links, must - links
    assert not links & must_not, links & must_not
    for link in sorted(links):
        assert client.get(link).status_code == 200, link
