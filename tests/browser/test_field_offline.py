"""Field monitoring in a real Chromium on a phone viewport: offline queue, expired session, analyst view."""
from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, PendampingCheck
from tests.browser.conftest import outbox, wait_outbox
from tests.factories import browser_login
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser
PENDING = "Jawaban tersimpan di perangkat ini dan akan dikirim otomatis saat ada sinyal"


def _count(model) -> int:
    db.session.rollback()  # see rows committed by the server thread
    return db.session.scalar(select(func.count(model.id)))


def _wait(model, expected: int, seconds: float = 25.0) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _count(model) == expected:
            return expected
        time.sleep(0.25)
    return _count(model)



def _fill_income(page, nik: str, monitoring: str, after: str) -> None:
    page.fill("input[name=nik]", nik)
    page.fill("input[name=cohort_year]", "2025")
    page.fill("input[name=intervention_date]", "2025-01-15")
    page.fill("input[name=monitoring_date]", monitoring)
    page.fill("input[name=household_size]", "4")
    page.select_option("select[name=measure]", "pendapatan_rt")
    page.fill("input[name=income_before]", "1000000")
    page.fill("input[name=income_after]", after)
    page.click("form[data-offline-queue] button[type=submit]")


def test_offline_check_and_two_income_samples_survive_expired_session(phone, live_server, field, artifacts):
    base = live_server
    pend = field["pendamping"]["PKH-001"]
    check_page = phone.new_page()
    browser_login(check_page, base, "mona@x.id")
    check_page.goto(f"{base}/pantau/pendamping/catat?jenis=PKH")
    income_page = phone.new_page()
    income_page.goto(f"{base}/pantau/pendapatan/catat")

    phone.set_offline(True)
    check_page.select_option("select[name=pendamping_id]", str(pend.id))
    # The visit date must lie in the check's period and not in the future: a visit today, in this year's period.
    today = date.today()
    check_page.fill("input[name=period]", str(today.year))
    check_page.fill("input[name=visit_date]", today.isoformat())
    for code in ("K1", "K2", "K3"):
        check_page.check(f"input[name=k_{code}][value=ya]")
    check_page.click("form[data-offline-queue] button[type=submit]")
    check_page.get_by_text(PENDING).wait_for()

    _fill_income(income_page, "3273010101900001", "2025-04-15", "1500000")  # eligible, increased
    income_page.get_by_text(PENDING).wait_for()
    _fill_income(income_page, "3273010101900002", "2025-03-01", "1200000")  # too early: flagged
    income_page.get_by_text(PENDING).wait_for()
    income_page.locator("[data-queue-status]").get_by_text("3 jawaban tersimpan").wait_for()
    income_page.screenshot(path=str(artifacts / "field-offline-queue.png"), full_page=True)
    assert _count(PendampingCheck) == 0 and _count(IncomeSample) == 0

    mine = f"user:{field['users']['mon_a'].id}"
    items = outbox(income_page, mine)
    assert len(items) == 3 and {i["state"] for i in items} == {"waiting"}
    assert {i["owner"] for i in items} == {mine}
    assert income_page.evaluate("localStorage.getItem('pantau-queue-v1')") is None  # IndexedDB only

    # The session expires while the monitor is offline; coming back online must not lose the queue,
    # and the monitor is told to log in again (issue 11, scenario 5).
    phone.clear_cookies()
    phone.set_offline(False)
    income_page.evaluate("window.dispatchEvent(new Event('online'))")
    banner = income_page.locator("[data-session-banner]")
    banner.wait_for()
    assert "Sesi berakhir — masuk lagi untuk mengirim 3 data" in banner.inner_text()
    income_page.screenshot(path=str(artifacts / "field-session-banner.png"), full_page=True)
    assert _count(PendampingCheck) == 0 and _count(IncomeSample) == 0
    assert [i["state"] for i in outbox(income_page, mine)] == ["waiting"] * 3

    check_page.close()
    banner.get_by_role("link", name="Masuk").click()
    income_page.wait_for_url("**/login?next=*")
    income_page.fill("input[name=email]", "mona@x.id")
    income_page.fill("input[name=password]", TEST_PASSWORD)
    income_page.click("main button[type=submit]")
    income_page.wait_for_url("**/pantau/antrean")  # back to the outbox, which sends without further action
    assert _wait(IncomeSample, 2) == 2
    assert _wait(PendampingCheck, 1) == 1
    items = wait_outbox(income_page, mine, lambda xs: all(i["state"] == "sent" for i in xs))
    assert [i["state"] for i in items] == ["sent"] * 3
    time.sleep(1)
    assert _count(IncomeSample) == 2 and _count(PendampingCheck) == 1  # exactly, no duplicates
    rows = db.session.scalars(select(IncomeSample)).all() + db.session.scalars(select(PendampingCheck)).all()
    assert {r.monitor_id for r in rows} == {field["users"]["mon_a"].id}
    assert {f"#{r.id}" for r in rows} == {i["receipt"] for i in items}
    # Scenario 7: once confirmed, no 16-digit run anywhere on the device (only the masked NIK remains).
    income_page.locator("[data-outbox] [data-state=sent]").first.wait_for()
    assert "************0001" in income_page.inner_text("[data-outbox]")
    assert not re.search(r"\d{16}", json.dumps(outbox(income_page, mine)))
    assert not re.search(r"\d{16}", income_page.evaluate("JSON.stringify(Object.assign({}, localStorage))"))
    income_page.screenshot(path=str(artifacts / "field-outbox-sent.png"), full_page=True)

    analyst = phone.new_page()
    phone.clear_cookies()
    browser_login(analyst, base, "analis@x.id", "/pantau/pendapatan")
    text = analyst.inner_text("main")
    assert "Memenuhi" in text and "Belum 3 bulan (tidak dihitung)" in text
    assert "3273010101900001" not in analyst.content()
    assert analyst.evaluate("document.documentElement.scrollWidth") <= 360 + 1 or \
        analyst.locator(".scroll").count() > 0
    analyst.screenshot(path=str(artifacts / "field-analyst-income.png"), full_page=True)
    analyst.goto(f"{base}/pantau/pendamping")
    assert "Siti" in analyst.inner_text("main") and "Optimal" in analyst.inner_text("main")
    analyst.screenshot(path=str(artifacts / "field-analyst-checks.png"), full_page=True)
