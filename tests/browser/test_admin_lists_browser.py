"""Admin list at 360 px in Chromium: search box and pager fit the phone, no sideways page scroll."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Pendamping
from tests.factories import browser_login
from tests.monitoring_fixtures import ptype, region

pytestmark = pytest.mark.browser


def test_registry_search_and_pager_fit_a_phone(phone, live_server, field, artifacts):
    for i in range(120):
        db.session.add(Pendamping(identifier=f"REG-{i:03d}", name=f"Pendamping Nomor {i:03d}", type=ptype("PKH"),
                                  unit=field["tree"]["dayasos"], region=region("32.73"), status="aktif"))
    db.session.commit()
    page = phone.new_page()
    browser_login(page, live_server, "admin@x.id")
    page.goto(f"{live_server}/pantau/admin/pendamping")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("input[name=q]").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.get_by_text("Berikutnya »").click()
    page.wait_for_load_state()
    assert "hal=2" in page.url and page.get_by_text("REG-117").count() == 1
    page.fill("input[name=q]", "nomor 11")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 10
    page.screenshot(path=str(artifacts / "registry-search-360.png"), full_page=True)
