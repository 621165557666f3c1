"""The analyst dashboard in a real browser on a phone: no CSP violations, charts render, PDF downloads."""
import random
from datetime import datetime

import pytest

from tests.helpers import TEST_PASSWORD
from tests.report_data import NASTY, insert_rows, make_rows


@pytest.mark.browser
def test_dashboard_on_a_phone_and_pdf_download(live_server, phone, artifacts, tree, make_layanan, make_user):
    rng = random.Random(11)
    a = make_layanan("izin-ugb", tree["psds"], name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)")
    b = make_layanan("kat", tree["dayasos"], name="Layanan Komunitas Adat Terpencil")
    rows = make_rows(a, "2025-02", 60, rng) + make_rows(b, "2025-05", 40, rng) + make_rows(a, "2024-06", 30, rng)
    rows[60].update(kritik_saran=NASTY, submitted_at=datetime(2025, 5, 28, 9, 0))
    insert_rows(rows)
    make_user("analis@x.id", "analyst", tree["dayasos"])

    page = phone.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and "404" not in msg.text else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "analis@x.id")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/laporan/?period=2025")
    assert page.locator("h1").inner_text() == "Dasbor IKM"
    assert page.locator("svg.chart").count() >= 4
    assert page.locator("tr.priority").count() == 1
    assert page.locator(".kritik li", has_text="<b>tebal</b>").count() == 1  # shown as text, not markup
    assert page.locator(".kritik b").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"halaman melebar {width}px di ponsel"
    page.screenshot(path=str(artifacts / "report-dashboard-phone.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=PDF")
    path = artifacts / "report-dashboard.pdf"
    download.value.save_as(str(path))
    assert path.read_bytes().startswith(b"%PDF")
    assert problems == [], problems
