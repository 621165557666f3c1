"""Issue 11: offline-first on the phone, in Debian Chromium at 360x740.

Each scenario asserts the database rows: exactly one per item, with the right owner.
Sending is blocked where a scenario needs items to stay queued while the phone
is online (a logout, a deployment): the route then aborts the field POSTs, as a
dead spot in a village would.
"""
from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, PendampingCheck
from tests.browser.conftest import outbox, wait_js, wait_outbox
from tests.factories import browser_login

pytestmark = pytest.mark.browser
FIELD_POSTS = "**/pantau/*/catat*"
PENDING = ("waiting", "sending")  # queued, not sent


def _rows(model):
    db.session.rollback()  # see rows committed by the server thread
    return db.session.scalars(select(model)).all()


def _wait(model, expected: int, seconds: float = 25.0) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        if db.session.scalar(select(func.count(model.id))) == expected:
            return expected
        time.sleep(0.25)
    return db.session.scalar(select(func.count(model.id)))



def _logout(page) -> str:
    """Press Keluar; returns the warning shown (accepted), or '' when none."""
    seen: list[str] = []

    def on_dialog(dialog):
        seen.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    with page.expect_navigation():
        page.click("header button:has-text('Keluar')")
    page.remove_listener("dialog", on_dialog)
    return seen[0] if seen else ""


def _income(page, nik: str, after: str = "1500000") -> None:
    page.fill("input[name=nik]", nik)
    page.fill("input[name=cohort_year]", "2025")
    page.fill("input[name=intervention_date]", "2025-01-15")
    page.fill("input[name=monitoring_date]", "2025-04-15")
    page.fill("input[name=household_size]", "4")
    page.select_option("select[name=measure]", "pendapatan_rt")
    page.fill("input[name=income_before]", "1000000")
    page.fill("input[name=income_after]", after)
    page.click("form[data-offline-queue] button[type=submit]")
    page.locator("[data-queue-notice]").wait_for(state="visible")


def _check(page, pendamping_id: int) -> None:
    today = date.today()
    page.select_option("select[name=pendamping_id]", str(pendamping_id))
    page.fill("input[name=period]", str(today.year))
    page.fill("input[name=visit_date]", today.isoformat())
    for code in ("K1", "K2", "K3"):
        page.check(f"input[name=k_{code}][value=ya]")
    page.click("form[data-offline-queue] button[type=submit]")
    page.locator("[data-queue-notice]").wait_for(state="visible")


def _ready(page) -> None:
    """The service worker is active and has kept the monitor shell pages."""
    wait_js(page, """async () => {
        if (!navigator.serviceWorker.controller) { await navigator.serviceWorker.ready; }
        const name = (await caches.keys()).find(k => k.startsWith('pantau-shell-'));
        if (!name) return false;
        const c = await caches.open(name);
        return !!(await c.match('/pantau/pendapatan/catat')) && !!(await c.match('/pantau/antrean'));
    }""")


def test_monitor_pages_open_offline_in_a_new_tab_and_items_land_once(phone, live_server, field, artifacts):
    """Scenario 1."""
    base, mona = live_server, field["users"]["mon_a"]
    page = phone.new_page()
    browser_login(page, base, "mona@x.id", "/pantau/pendapatan/catat")
    page.goto(f"{base}/pantau/pendamping/catat?jenis=PKH")
    _ready(page)
    wait_js(page, """async () => {
        const name = (await caches.keys()).find(k => k.startsWith('pantau-shell-'));
        return !!(await (await caches.open(name)).match(location.href));
    }""")

    page.goto(f"{base}/pantau/pendamping")  # a list: other people's data, never kept on the device
    time.sleep(0.5)
    assert not page.evaluate("""async () => {
        const name = (await caches.keys()).find(k => k.startsWith('pantau-shell-'));
        return !!(await (await caches.open(name)).match(location.href));
    }""")

    phone.set_offline(True)
    for p in phone.pages:
        p.close()
    page = phone.new_page()
    page.goto(f"{base}/pantau/pendapatan/catat")  # no signal, no open tab: the cached form renders
    assert page.locator("input[name=nik]").count() == 1
    assert "Data acuan per" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "offline-income-form-new-tab.png"), full_page=True)
    _income(page, "3273010101900001")
    page.goto(f"{base}/pantau/pendamping/catat?jenis=PKH")
    _check(page, field["pendamping"]["PKH-001"].id)
    assert len(outbox(page, f"user:{mona.id}")) == 2
    page.goto(f"{base}/pantau/antrean")
    page.locator("[data-instance-id]").nth(1).wait_for()
    assert page.locator("[data-state=waiting]").count() == 2
    page.locator("[data-storage-status][data-persisted]").wait_for()  # the browser's answer is shown
    assert "Penyimpanan permanen" in page.inner_text("[data-storage-status]")
    page.screenshot(path=str(artifacts / "offline-outbox-waiting.png"), full_page=True)
    assert _rows(IncomeSample) == [] and _rows(PendampingCheck) == []
    page.close()

    phone.set_offline(False)
    page = phone.new_page()
    page.goto(f"{base}/pantau/pendamping")  # any Pantau page sends the queue
    assert _wait(IncomeSample, 1) == 1 and _wait(PendampingCheck, 1) == 1
    wait_outbox(page, f"user:{mona.id}", lambda xs: all(i["state"] == "sent" for i in xs))
    page.reload()
    time.sleep(1)
    rows = _rows(IncomeSample) + _rows(PendampingCheck)
    assert len(rows) == 2 and {r.monitor_id for r in rows} == {mona.id}


def test_needs_fixing_is_edited_in_its_form_and_conflict_is_resolved_or_discarded(phone, live_server, field,
                                                                                   artifacts):
    """Scenario 3."""
    base, mona = live_server, field["users"]["mon_a"]
    mine = f"user:{mona.id}"
    page = phone.new_page()
    browser_login(page, base, "mona@x.id", "/pantau/pendamping/catat?jenis=PKH")
    _check(page, field["pendamping"]["PKH-001"].id)  # online: stored now
    assert _wait(PendampingCheck, 1) == 1
    existing = _rows(PendampingCheck)[0]
    page.goto(f"{base}/pantau/pendapatan/catat")
    _ready(page)

    phone.set_offline(True)
    _income(page, "12345")  # not a NIK: the server will answer 422
    page.goto(f"{base}/pantau/pendamping/catat?jenis=PKH")
    _check(page, field["pendamping"]["PKH-001"].id)  # same pendamping and period: 409
    phone.set_offline(False)
    page.goto(f"{base}/pantau/antrean")
    items = wait_outbox(page, mine, lambda xs: {"fixing", "conflict"} <= {i["state"] for i in xs})
    assert sorted(i["state"] for i in items) == ["conflict", "fixing", "sent"]  # sent: the first check
    page.reload()
    fixing = next(i for i in items if i["state"] == "fixing")
    conflict = next(i for i in items if i["state"] == "conflict")
    page.locator(f"[data-instance-id='{conflict['id']}'][data-state=conflict]").wait_for()
    row = page.locator(f"[data-instance-id='{fixing['id']}'][data-state=fixing]")
    assert "Perlu diperbaiki" in row.inner_text() and "NIK" in row.inner_text()  # the server's Indonesian error
    assert "Bentrok" in page.locator(f"[data-instance-id='{conflict['id']}']").inner_text()
    page.screenshot(path=str(artifacts / "outbox-fixing-conflict.png"), full_page=True)

    # Needs fixing: open in its form, pre-filled, fix, resend: lands once.
    row.get_by_role("link", name="Perbaiki di formulir").click()
    page.wait_for_url("**/pantau/pendapatan/catat?ulang=*")
    wait_js(page, "() => document.querySelector('input[name=nik]').value === '12345'")
    assert page.input_value("input[name=income_after]") == "1500000"
    assert page.input_value("input[name=instance_id]") == fixing["id"]
    assert page.locator("[data-q-err]").count() >= 1
    page.screenshot(path=str(artifacts / "outbox-fix-in-form.png"), full_page=True)
    page.fill("input[name=nik]", "3273010101900009")
    page.click("form[data-offline-queue] button[type=submit]")
    assert _wait(IncomeSample, 1) == 1
    sample = _rows(IncomeSample)[0]
    assert str(sample.instance_id) == fixing["id"] and sample.monitor_id == mona.id

    # Conflict: the existing record's correction page is offered; discard asks, and restores.
    page.goto(f"{base}/pantau/antrean")
    item = page.locator(f"[data-instance-id='{conflict['id']}']")
    link = item.get_by_role("link", name="Buka catatan yang sudah ada")
    assert link.get_attribute("href") == f"/pantau/pendamping/{existing.id}/ubah"
    link.click()
    page.wait_for_url(f"**/pantau/pendamping/{existing.id}/ubah")
    page.go_back()
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator(f"[data-instance-id='{conflict['id']}']").get_by_role("button", name="Buang").click()
    page.locator(f"[data-instance-id='{conflict['id']}'][data-state=discarded]").wait_for()
    assert asked and "30 hari" in asked[0]
    page.locator(f"[data-instance-id='{conflict['id']}']").get_by_role("button", name="Pulihkan").click()
    page.locator(f"[data-instance-id='{conflict['id']}'][data-state=conflict]").wait_for()
    assert _rows(PendampingCheck) == [existing] and len(_rows(IncomeSample)) == 1


def test_shared_phone_items_land_only_under_their_owner(phone, live_server, field, artifacts):
    """Scenario 4."""
    base, mona, monb = live_server, field["users"]["mon_a"], field["users"]["mon_b"]
    page = phone.new_page()
    browser_login(page, base, "mona@x.id", "/pantau/pendapatan/catat")
    _ready(page)
    phone.set_offline(True)
    _income(page, "3273010101900001")
    phone.route(FIELD_POSTS, lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    phone.set_offline(False)  # a dead spot: pages load, sends fail
    page.reload()
    page.locator("[data-outbox-count]").get_by_text("(1)").wait_for()
    warning = _logout(page)
    assert "1 data belum terkirim" in warning and "tidak dihapus" in warning
    phone.unroute(FIELD_POSTS)
    # kept after logout ("sending" if the logout cut an attempt short: retried later)
    assert [i["state"] in PENDING for i in outbox(page, f"user:{mona.id}")] == [True]
    # A's cached monitor pages are dropped: B must not work offline in A's pages (A's list, A as owner).
    wait_js(page, """async () => {
        const name = (await caches.keys()).find(k => k.startsWith('pantau-shell-'));
        const reqs = await (await caches.open(name)).keys();
        return !reqs.some(r => new URL(r.url).pathname.startsWith('/pantau/'));
    }""")

    browser_login(page, base, "monb@x.id", "/pantau/pendapatan/catat")
    _income(page, "3273010101900002", after="1100000")  # B's own item, online
    assert _wait(IncomeSample, 1) == 1
    page.goto(f"{base}/pantau/antrean")
    page.evaluate("window.PantauOutbox.flush()")
    time.sleep(2)
    samples = _rows(IncomeSample)
    assert len(samples) == 1 and samples[0].monitor_id == monb.id  # A's item not stored, not as B
    assert [i["state"] in PENDING for i in outbox(page, f"user:{mona.id}")] == [True]
    assert "3273010101900001" not in page.content()  # B never sees A's items
    page.screenshot(path=str(artifacts / "shared-phone-b-outbox.png"), full_page=True)

    _logout(page)
    browser_login(page, base, "mona@x.id", "/pantau/antrean")
    assert _wait(IncomeSample, 2) == 2
    samples = {s.income_after: s.monitor_id for s in _rows(IncomeSample)}
    assert samples == {1_500_000: mona.id, 1_100_000: monb.id}


def test_new_service_worker_version_keeps_queued_items(phone, live_server, field, app, artifacts):
    """Scenario 6."""
    base, mona = live_server, field["users"]["mon_a"]
    page = phone.new_page()
    browser_login(page, base, "mona@x.id", "/pantau/pendapatan/catat")
    _ready(page)
    old = page.evaluate("caches.keys()")
    phone.set_offline(True)
    _income(page, "3273010101900001")
    phone.route(FIELD_POSTS, lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    phone.set_offline(False)
    app.config["OFFLINE_SHELL_VERSION"] = "deploy-" + uuid.uuid4().hex[:8]
    try:
        page.evaluate("navigator.serviceWorker.getRegistration('/').then(r => r.update())")
        wait_js(page, """async (v) => {
            const keys = await caches.keys();
            return keys.includes('pantau-shell-' + v) && keys.length === 1;
        }""", app.config["OFFLINE_SHELL_VERSION"])
        assert page.evaluate("caches.keys()") != old
        assert [i["state"] in PENDING for i in outbox(page, f"user:{mona.id}")] == [True]  # nothing lost
        phone.unroute(FIELD_POSTS)
        page.goto(f"{base}/pantau/")
        assert _wait(IncomeSample, 1) == 1
        time.sleep(1)
        assert [s.monitor_id for s in _rows(IncomeSample)] == [mona.id]
    finally:
        app.config.pop("OFFLINE_SHELL_VERSION", None)
