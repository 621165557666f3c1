"""Public pages in Chromium at 360x740 (issue 13): the results table fits without sideways
scrolling, and the survey form shows its progress marker and jumps to the first error."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import utcnow
from app.services import skm_submit

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
    assert "77,78\nB\nBaik\n12" in text and "Sampel kecil: 12 responden" in text
    labels = page.eval_on_selector_all("tbody tr:first-child td",
                                       "els => els.map(e => getComputedStyle(e, '::before').content)")
    assert labels[1:] == ['"IKM"', '"Mutu"', '"Kinerja"', '"Responden (n)"']
