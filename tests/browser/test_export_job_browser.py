"""A large export on a phone: the CSV button leads to the job page, which refreshes itself (no
JavaScript needed) from "Sedang dibuat" to "Selesai", and the file downloads."""
import random

import pytest
from sqlalchemy import text

from app.core import jobs
from app.extensions import db
from tests.factories import browser_login
from tests.report_data import insert_rows, make_rows


@pytest.mark.browser
def test_a_queued_export_on_a_phone(app, live_server, phone, artifacts, tree, make_layanan, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "memory://")
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", 5)
    monkeypatch.delitem(app.extensions, jobs.EXTENSION, raising=False)
    queue = jobs.get(app)
    layanan = make_layanan("izin-ugb", tree["psds"], name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)")
    insert_rows(make_rows(layanan, "2025-02", 12, random.Random(3)))
    make_user("analis@x.id", "analyst", tree["dayasos"])
    try:
        page = phone.new_page()
        problems = []
        page.on("pageerror", lambda err: problems.append(str(err)))
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        browser_login(page, live_server, "analis@x.id")
        page.goto(f"{live_server}/laporan/?period=2025")
        page.click("a.button:text-is('CSV')")
        page.wait_for_url("**/laporan/ekspor/*")
        assert "Dalam antrean" in page.inner_text("main") and page.locator("progress").count() == 1
        job_id = int(page.url.rsplit("/", 1)[1])

        db.session.execute(text("UPDATE export_job SET status = 'berjalan', rows_done = 5 WHERE id = :i"),
                           {"i": job_id})
        db.session.commit()
        page.reload()
        assert "5 dari 12 baris (42%)" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= 380
        page.screenshot(path=str(artifacts / "export-job-running-phone.png"), full_page=True)

        db.session.execute(text("UPDATE export_job SET status = 'antri', rows_done = 0 WHERE id = :i"), {"i": job_id})
        db.session.commit()
        queue.execute(queue.dequeue())  # the worker
        page.wait_for_selector("text=Unduh CSV", timeout=10_000)  # the page's own meta refresh
        assert "12 dari 12 baris (100%)" in page.inner_text("main")
        page.screenshot(path=str(artifacts / "export-job-done-phone.png"), full_page=True)
        with page.expect_download() as download:
            page.click("text=Unduh CSV")
        path = artifacts / "export-job.csv"
        download.value.save_as(str(path))
        assert download.value.suggested_filename == "ikm-dayasos-2025.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf") and path.read_bytes().count(b"\r\n") == 13
        assert problems == [], problems
    finally:
        app.extensions.pop(jobs.EXTENSION, None)
