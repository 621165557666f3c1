"""The SKM survey in a real Chromium on a 360x740 phone viewport."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import SkmResponse
from tests.browser.conftest import outbox, wait_js, wait_outbox

pytestmark = pytest.mark.browser
PAGE_BUDGET = 30 * 1024
THANKS = "Jawaban tersimpan di perangkat dan akan terkirim otomatis"


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)",
                        active=True, published=True)


def _count() -> int:
    db.session.rollback()  # see rows committed by the server thread
    return db.session.scalar(select(func.count()).select_from(SkmResponse))


def _wait_for_count(expected: int, seconds: float = 20.0) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _count() == expected:
            return expected
        time.sleep(0.2)
    return _count()


def _answer(page, answers=(3, 4, 3, 2, 3, 4, 4, 1, 3)):
    page.check("input[name=jenis_kelamin][value=P]")
    page.fill("#usia", "34")
    page.select_option("#pendidikan", "SMA")
    page.select_option("#pekerjaan", "Wirausaha")
    page.select_option("#respondent_category", label="Masyarakat")
    for number, value in enumerate(answers, start=1):
        page.check(f"input[name=u{number}][value='{value}']")
    page.fill("#kritik_saran", "Antrean <b>panjang</b>")


def test_submit_online_stores_the_row(phone, live_server, layanan, artifacts):
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")
    assert page.locator("fieldset.q").count() == 10  # jenis kelamin + 9 unsur
    _answer(page)
    page.screenshot(path=str(artifacts / "survey-online-filled.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url("**/s/izin-ugb/terima-kasih")
    assert "Terima kasih" in page.content()
    page.screenshot(path=str(artifacts / "survey-online-thanks.png"), full_page=True)

    assert _wait_for_count(1) == 1
    row = db.session.scalar(select(SkmResponse))
    assert row.answers == {"U1": 3, "U2": 4, "U3": 3, "U4": 2, "U5": 3, "U6": 4, "U7": 4, "U8": 1, "U9": 3}
    assert (row.jenis_kelamin, row.usia, row.pendidikan, row.pekerjaan) == ("P", 34, "SMA", "Wirausaha")
    assert row.respondent_category.name == "Masyarakat"
    assert row.kritik_saran == "Antrean <b>panjang</b>" and row.channel == "web"
    assert row.device_hash and row.layanan_id == layanan.id
    page.click("text=Lihat hasil survei")
    page.wait_for_url("**/hasil/PSDS")
    cells = page.locator("tbody td").all_inner_texts()
    # mean of 3,4,3,2,3,4,4,1,3 = 3 -> 75,00; one respondent has no interval of its own
    assert cells[1:] == ["75,00", "—", "Mutu C", "Kurang Baik", "1"]
    page.screenshot(path=str(artifacts / "survey-public-results.png"), full_page=True)


def test_offline_submit_shows_thanks_with_receipt_and_lands_once(phone, live_server, layanan, artifacts):
    """Scenario 8 of issue 11: thank-you screen, receipt, later "Terkirim"; exactly one row."""
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")
    _answer(page)
    phone.set_offline(True)
    page.click("button[type=submit]")
    thanks = page.locator("[data-offline-thanks]")
    thanks.wait_for(state="visible")
    assert THANKS in thanks.inner_text()
    assert page.locator("form.survey").is_hidden()  # no blank form that invites a second answer
    box = thanks.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740  # wholly on screen at 360x740
    items = outbox(page)
    assert len(items) == 1 and items[0]["state"] == "waiting" and items[0]["owner"] == "anonymous"
    receipt = items[0]["id"].replace("-", "")[:8].upper()
    receipt = f"{receipt[:4]}-{receipt[4:]}"
    assert receipt in thanks.inner_text()
    assert "1 jawaban tersimpan di perangkat ini" in page.locator("[data-queue-status]").inner_text()
    assert page.evaluate("localStorage.length") == 0  # nothing in localStorage any more
    page.screenshot(path=str(artifacts / "survey-offline-thanks.png"), full_page=True)
    assert _count() == 0

    phone.set_offline(False)  # the `online` event triggers the resend
    assert _wait_for_count(1) == 1
    items = wait_outbox(page, "anonymous", lambda xs: xs and xs[0]["state"] == "sent")
    assert items[0]["receipt"] == receipt and "fields" not in items[0]
    page.locator("[data-queue-status] [data-state=sent]").get_by_text("Terkirim").wait_for()
    page.reload()  # every page load flushes the queue again: nothing may be doubled
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)
    assert _count() == 1
    row_text = page.locator(f"[data-instance-id='{items[0]['id']}']").inner_text()
    assert "Terkirim" in row_text and receipt in row_text
    page.screenshot(path=str(artifacts / "survey-offline-sent.png"), full_page=True)
    row = db.session.scalar(select(SkmResponse))
    assert row.u1 == 3 and row.u8 == 1 and str(row.instance_id) == items[0]["id"]


def test_page_weight_origin_and_tap_targets(browser, live_server, layanan, artifacts):
    context = browser.new_context(viewport={"width": 320, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        sizes: dict[str, int] = {}
        origins: set[str] = set()
        page.on("request", lambda req: origins.add(urlsplit(req.url)._replace(path="", query="").geturl()))
        page.on("response", lambda res: sizes.__setitem__(res.url, len(res.body())))
        page.goto(f"{live_server}/s/izin-ugb", wait_until="networkidle")
        page.screenshot(path=str(artifacts / "survey-320px.png"), full_page=True)

        assert origins == {live_server}, origins
        assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes)
        assert sum(sizes.values()) <= PAGE_BUDGET, sizes
        # Fits 320 px without sideways scrolling; every answer option is a 44 px target or larger.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        heights = page.eval_on_selector_all(".q label", "els => els.map(e => e.getBoundingClientRect().height)")
        assert len(heights) == 2 + 9 * 4 and min(heights) >= 44
        button = page.locator("button[type=submit]").bounding_box()
        assert button["height"] >= 44
    finally:
        context.close()


def test_service_worker_opens_the_form_offline_after_one_visit(phone, live_server, layanan, artifacts):
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")  # ONE online visit, no reload
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cached = wait_js(page, """async () => {
        const name = (await caches.keys()).find(k => k.startsWith('pantau-shell-'));
        if (!name) return null;
        const cache = await caches.open(name);
        const hit = await cache.match(location.href);
        const css = await cache.match('/static/survey.css');
        return hit && css ? [name, await hit.text()] : null;
    }""")
    assert "Survei Kepuasan Masyarakat" in cached[1] and 'name="u9"' in cached[1]

    phone.set_offline(True)
    page.close()
    fresh = phone.new_page()  # a new tab, no signal
    fresh.goto(f"{live_server}/s/izin-ugb")
    assert fresh.locator("fieldset.q").count() == 10
    fresh.screenshot(path=str(artifacts / "survey-offline-reopened.png"))
    phone.set_offline(False)


def test_background_sync_sends_with_no_page_open(phone, live_server, layanan):
    """Issue 11, scenario 2: queued offline, tab closed, back online, no page opened: the answer lands."""
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => 'sync' in r)")  # Chromium has Background Sync
    _answer(page)
    phone.set_offline(True)
    page.click("button[type=submit]")
    page.locator("[data-offline-thanks]").wait_for()
    assert page.evaluate("""navigator.serviceWorker.ready.then(r => r.sync.getTags())""") == ["pantau-outbox"]
    page.close()
    assert not phone.pages
    phone.set_offline(False)
    assert _wait_for_count(1, seconds=60) == 1


def test_items_of_the_old_localstorage_queue_are_moved_once_and_sent(phone, live_server, layanan):
    """Upgrade from the pantau-queue-v1 localStorage queue: nothing lost, nothing doubled, key removed."""
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")
    _answer(page)
    fields = page.evaluate("""() => { const out = [];
        new FormData(document.querySelector('form.survey')).forEach((v, k) => out.push([k, v])); return out; }""")
    old_id = "5e0c2b6a-8f1d-4c3b-9a7e-2d4f6b8a0c1e"
    fields = [[k, old_id if k == "instance_id" else v] for k, v in fields]
    item = {"id": old_id, "queue": "skm", "label": "Izin UGB", "action": f"{live_server}/s/izin-ugb",
            "fields": fields, "at": 1_700_000_000_000}
    page.evaluate("(item) => localStorage.setItem('pantau-queue-v1', JSON.stringify([item]))", item)
    page.reload()
    assert _wait_for_count(1) == 1
    items = wait_outbox(page, "anonymous", lambda xs: xs and xs[0]["state"] == "sent")
    assert [i["id"] for i in items] == [old_id] and items[0]["state"] == "sent"
    assert page.evaluate("localStorage.getItem('pantau-queue-v1')") is None
    page.reload()
    time.sleep(1)
    assert _count() == 1 and str(db.session.scalar(select(SkmResponse.instance_id))) == old_id


def test_answer_refused_with_422_is_fixed_in_its_form_and_lands_once(phone, live_server, layanan, artifacts):
    """Issue 11, scenario 3 on the survey: a queued answer the server refuses is not stuck."""
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")
    _answer(page)
    page.fill("#service_date", "2999-01-01")  # in the future: the server answers 422
    phone.set_offline(True)
    page.click("button[type=submit]")
    page.locator("[data-offline-thanks]").wait_for()
    phone.set_offline(False)
    items = wait_outbox(page, "anonymous", lambda xs: xs and xs[0]["state"] == "fixing")
    assert items[0]["state"] == "fixing" and items[0]["errors"]["service_date"]
    page.reload()
    row = page.locator(f"[data-queue-status] [data-instance-id='{items[0]['id']}']")
    assert "Perlu diperbaiki" in row.inner_text() and "masa depan" in row.inner_text()
    page.screenshot(path=str(artifacts / "survey-needs-fixing.png"), full_page=True)
    row.get_by_role("link", name="Perbaiki di formulir").click()
    page.wait_for_url("**/s/izin-ugb?ulang=*")
    wait_js(page, "() => document.querySelector('#service_date').value === '2999-01-01'")
    assert page.is_checked("input[name=u8][value='1']") and page.input_value("#usia") == "34"
    page.fill("#service_date", "2025-01-02")
    page.click("button[type=submit]")
    page.wait_for_url("**/s/izin-ugb/terima-kasih")
    assert _wait_for_count(1) == 1
    time.sleep(0.5)
    assert _count() == 1 and str(db.session.scalar(select(SkmResponse.instance_id))) == items[0]["id"]
