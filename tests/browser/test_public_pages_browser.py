"""Public pages in Chromium at 360x740 (issue 13): the results table fits without sideways
scrolling, and the survey form shows its progress marker and jumps to the first error."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import utcnow
from app.skm import submit as skm_submit

pytestmark = pytest.mark.browser


@pytest.fixture()
def layanan(tree, make_layanan):
    item = make_layanan("izin-ugb", tree["psds"], name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)",
                        active=True, published=True)
    other = make_layanan("rehab", tree["psds"], name="Rehabilitasi Sosial Lanjut Usia di Balai", published=True)
    for target, count in ((item, 12), (other, 3)):
        for _ in range(count):
            skm_submit.insert_ignoring_duplicate(skm_submit.row_values(
                target, instance_id=uuid.uuid4(), answers={f"u{i}": 3 for i in range(1, 10)} | {"u2": 4},
                submitted_at=utcnow() - timedelta(minutes=5), channel="web", profile={}))
    db.session.commit()
    return item


def test_public_results_fit_360px_without_sideways_scroll(phone, live_server, layanan, artifacts):
    page = phone.new_page()
    page.goto(f"{live_server}/hasil/PSDS", wait_until="networkidle")
    page.screenshot(path=str(artifacts / "public-results-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every cell, "Kinerja" and "Responden" included, lies inside the viewport.
    right_edges = page.eval_on_selector_all("tbody td", "els => els.map(e => e.getBoundingClientRect().right)")
    assert right_edges and max(right_edges) <= 360
    text = page.locator("tbody").inner_text()
    # identical respondents: an interval of width zero, printed beside the score it belongs to
    assert "77,78\n77,78 – 77,78\nMutu B\nBaik\n12" in text and "Sampel kecil: 12 responden" in text
    labels = page.eval_on_selector_all("tbody tr:first-child td",
                                       "els => els.map(e => getComputedStyle(e, '::before').content)")
    assert labels[1:] == ['"IKM"', '"Interval 95%"', '"Mutu"', '"Kinerja"', '"Responden (n)"']


def _answer_all(page):
    for number in range(1, 10):
        page.check(f"input[name=u{number}][value='3']")


def _in_view(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect();"
                                           " return r.top >= 0 && r.top < window.innerHeight; }")


def test_with_javascript_the_first_error_is_scrolled_into_view(phone, live_server, layanan, artifacts):
    page = phone.new_page()
    page.goto(f"{live_server}/s/izin-ugb")
    _answer_all(page)
    page.fill("#service_date", "1958-05-01")
    page.click("button[type=submit]")  # the queue posts it; the server answers 422
    page.wait_for_selector(".field.has-error #service_date")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'service_date'")
    assert _in_view(page, "#service_date")
    assert "terlalu jauh di masa lalu" in page.locator(".has-error").first.inner_text()
    page.screenshot(path=str(artifacts / "survey-first-error.png"))


def test_without_javascript_progress_markers_and_errors_render(browser, live_server, layanan, artifacts):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/s/izin-ugb")
        assert page.locator("text=Pertanyaan 1 dari 9").is_visible()
        assert page.locator("legend small").all_inner_texts() == [f"Pertanyaan {i} dari 9" for i in range(1, 10)]
        _answer_all(page)
        page.fill("#service_date", "1958-05-01")
        page.click("button[type=submit]")
        assert "terlalu jauh di masa lalu" in page.locator(".field.has-error").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(artifacts / "survey-nojs-error.png"), full_page=True)
    finally:
        context.close()


def test_bare_domain_leads_a_respondent_to_the_survey(phone, live_server, layanan, artifacts):
    page = phone.new_page()
    page.goto(f"{live_server}/")
    page.screenshot(path=str(artifacts / "welcome-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("text=Pilih layanan dan isi survei")
    page.click("text=Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)")
    page.wait_for_url("**/s/izin-ugb")
