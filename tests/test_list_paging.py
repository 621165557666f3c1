"""Issue 13, lists: search and pages on admin and monitoring lists, all still scoped."""
import re

from app.extensions import db
from app.models import Pendamping
from tests.helpers import login
from tests.monitoring_fixtures import JSON, as_user, income_payload, ptype, region


def _links(html):
    return re.findall(r'href="([^"]*hal=\d+[^"]*)"', html.replace("&amp;", "&"))


def test_registry_pages_beyond_the_first_hundred(client, field):
    dayasos = field["tree"]["dayasos"]
    for i in range(130):
        db.session.add(Pendamping(identifier=f"REG-{i:03d}", name=f"Pendamping {i:03d}", type=ptype("PKH"),
                                  unit=dayasos, region=region("32.73"), status="aktif"))
    db.session.commit()
    login(client, "admin@x.id")
    first = client.get("/pantau/admin/pendamping").get_data(as_text=True)
    assert "REG-096" in first and "REG-097" not in first  # 100 a page; the 3 PKH-00x rows sort first
    nxt = _links(first)
    assert len(nxt) == 1 and "Halaman 1" in first
    seen = set(re.findall(r"REG-\d{3}", first))
    url = nxt[0]
    while url:
        page = client.get(url).get_data(as_text=True)
        seen |= set(re.findall(r"REG-\d{3}", page))
        links = [u for u in _links(page) if "Berikutnya" in page.split(u.replace("&", "&amp;"))[1][:40]]
        url = links[0] if links else None
    assert len(seen) == 130
    found = client.get("/pantau/admin/pendamping?q=pendamping+12").get_data(as_text=True)
    assert set(re.findall(r"REG-\d{3}", found)) == {f"REG-{i}" for i in range(120, 130)}


def test_search_treats_percent_literally_and_stays_in_scope(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["dayasos"])
    make_user("luar@x.id", "monitor", tree["rehsos"], name="Orang Luar")
    make_user("dalam@x.id", "monitor", tree["dayasos"], name="Orang Dalam")
    login(client, "admin@x.id")
    html = client.get("/admin/users?q=orang").get_data(as_text=True)
    assert "dalam@x.id" in html and "luar@x.id" not in html
    assert "dalam@x.id" not in client.get("/admin/users?q=%25").get_data(as_text=True)
    units = client.get("/admin/units?q=dayasos").get_data(as_text=True)
    assert "DAYASOS" in units and "REHSOS" not in units
    assert client.get("/admin/units?hal=abc").status_code == 200
    assert client.get("/admin/layanan?q=x&hal=99999999999").status_code == 200


def test_monitoring_lists_filter_by_pendamping_nik_last4_and_date(client, field):
    from tests.monitoring_fixtures import check_payload

    monitor = as_user(client.application, "mona@x.id")
    siti, budi = field["pendamping"]["PKH-001"], field["pendamping"]["PKH-002"]
    for p in (siti, budi):
        assert monitor.post("/pantau/pendamping/catat", data=check_payload(monitor, p), headers=JSON).status_code == 201
    html = monitor.get("/pantau/pendamping?q=siti").get_data(as_text=True)
    assert "Siti" in html and "Budi" not in html
    assert "Budi" in monitor.get("/pantau/pendamping?tanggal=2025-05-10").get_data(as_text=True)
    assert "Budi" not in monitor.get("/pantau/pendamping?tanggal=2025-05-11").get_data(as_text=True)
    for nik, day in (("3273010101900001", "2025-04-15"), ("3273010101907777", "2025-04-16")):
        res = monitor.post("/pantau/pendapatan/catat", headers=JSON,
                           data=income_payload(monitor, nik=nik, monitoring=day))
        assert res.status_code == 201
    by_nik = monitor.get("/pantau/pendapatan?nik=7777").get_data(as_text=True)
    assert "7777" in by_nik and "0001" not in by_nik
    by_day = monitor.get("/pantau/pendapatan?tanggal=2025-04-15").get_data(as_text=True)
    assert "0001" in by_day and "7777" not in by_day
