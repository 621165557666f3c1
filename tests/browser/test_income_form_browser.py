"""Income form in Chromium at 360 px: NIK preselects the kab/kota, old errors go after a successful save."""
from __future__ import annotations

import pytest

from app.models import IncomeSample
from tests.browser.test_field_offline import _count, _wait
from tests.factories import browser_login
from tests.monitoring_fixtures import region

pytestmark = pytest.mark.browser


def test_errors_clear_after_save_and_nik_picks_region(phone, live_server, field, artifacts):
    page = phone.new_page()
    browser_login(page, live_server, "mona@x.id")
    page.goto(f"{live_server}/pantau/pendapatan/catat")
    assert page.locator("input[name=nik]").get_attribute("inputmode") == "numeric"
    page.fill("input[name=nik]", "3204010101900001")
    assert page.locator("select[name=region_id]").input_value() == str(region("32.04").id)
    page.fill("input[name=cohort_year]", "2025")
    page.fill("input[name=intervention_date]", "2025-01-15")
    page.fill("input[name=monitoring_date]", "2025-04-15")
    page.fill("input[name=household_size]", "4")
    page.fill("input[name=income_before]", "2,5 juta")
    page.fill("input[name=income_after]", "3.000.000")
    page.click("form[data-offline-queue] button[type=submit]")
    page.get_by_text("Harus berupa angka Rupiah").wait_for()
    page.screenshot(path=str(artifacts / "income-form-error.png"), full_page=True)
    page.fill("input[name=income_before]", "2.500.000")
    page.click("form[data-offline-queue] button[type=submit]")
    page.get_by_text("tersimpan").first.wait_for()
    assert _wait(IncomeSample, 1) == 1
    assert page.locator("form .error").count() == 0 and page.locator("form .has-error").count() == 0
    assert page.locator("input[name=income_before]").input_value() == ""
    page.screenshot(path=str(artifacts / "income-form-saved.png"), full_page=True)
    assert _count(IncomeSample) == 1
