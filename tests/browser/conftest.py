"""Browser-test fixtures: a live server on the test app and database, and Debian's Chromium.

The server runs in a background thread (werkzeug, threaded) on 127.0.0.1 with
a free port, over the same `app` fixture, so tests create rows with the usual
factories (commit first) and read what the browser stored. A missing Chromium
fails the test: browser tests never skip.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of the app served from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium tidak ditemukan di {CHROMIUM}: jalankan `make chromium` "
                    "(tes peramban tidak boleh dilewati).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture()
def phone(browser):
    """A fresh phone-sized browser context (360x740, touch), closed after the test."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture()
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


OUTBOX_JS = """async (owner) => {
    const db = await new Promise((ok, fail) => {
        const r = indexedDB.open('pantau-outbox:' + owner, 1);
        r.onupgradeneeded = () => r.result.createObjectStore('items', {keyPath: 'id'});
        r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
    });
    const items = await new Promise((ok) => {
        const q = db.transaction('items').objectStore('items').getAll();
        q.onsuccess = () => ok(q.result);
    });
    db.close();
    return items;
}"""


def outbox(page, owner: str = "anonymous") -> list[dict]:
    """The device outbox of one owner ("anonymous" or "user:<id>"), read from IndexedDB in the page."""
    return page.evaluate(OUTBOX_JS, owner)


def wait_outbox(page, owner: str, predicate, seconds: float = 25.0) -> list[dict]:
    """Poll the outbox until predicate(items) holds; returns the last items seen."""
    import time

    deadline = time.monotonic() + seconds
    items = outbox(page, owner)
    while not predicate(items) and time.monotonic() < deadline:
        time.sleep(0.25)
        items = outbox(page, owner)
    return items


def wait_js(page, script: str, arg=None, seconds: float = 25.0):
    """Poll an (async) JavaScript function until it returns a truthy value, and return that value.

    page.wait_for_function does not await a returned Promise (a Promise is truthy, so
    it returns at once); page.evaluate does, so poll with evaluate.
    """
    import time

    deadline = time.monotonic() + seconds
    while True:
        value = page.evaluate(script, arg)
        if value or time.monotonic() > deadline:
            assert value, f"timed out waiting for: {script[:200]}"
            return value
        time.sleep(0.25)
