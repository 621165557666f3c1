"""The RTL page and the public results page with its follow-up, in Chromium at 360x740: no sideways scroll."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from app.core.periods import current_period, parse_period
from app.extensions import db
from app.followup import rtl
from app.models import SkmResponse, utcnow
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser
LONG = "Penambahan loket pelayanan dan penjadwalan ulang petugas agar antrean tidak melebihi tiga puluh menit" * 2


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_rtl_and_public_pages_fit_360px(live_server, phone, artifacts, tree, make_layanan, make_user):
    year = current_period("Asia/Jakarta").year
    layanan = make_layanan("izin-ugb", tree["psds"], published=True,
                           name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)")
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    for k in range(5):
        db.session.add(SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period=f"{year}-01",
                                   submitted_at=utcnow(), kritik_saran="Antrean sangat panjang " * 8,
                                   **{f"u{i}": 2 if i == 3 else 3 + k % 2 for i in range(1, 10)}))
    db.session.commit()
    period = parse_period(str(year))
    rtl.create_action(analyst, tree["psds"], layanan, period, rtl.ActionInput(
        unsur="U3", problem="Antrean " + LONG, action=LONG, pic="Kepala Subbagian Tata Usaha",
        planned_start=date(year, 2, 1), planned_end=date(year, 6, 30)))
    rtl.create_action(analyst, tree["psds"], layanan, period, rtl.ActionInput(
        unsur="U9", problem="Ruang tunggu sempit", action="Perluasan ruang tunggu", pic="PPK",
        status="selesai", completed_on=date(year, 3, 1)))
    db.session.commit()

    page = phone.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "analis@x.id")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/tindak-lanjut/?unit={tree['psds'].id}&periode={year}")
    assert page.locator("h1").inner_text() == "Rencana tindak lanjut"
    assert page.locator(".proposals li").first.inner_text().startswith("U3 Waktu penyelesaian")
    page.screenshot(path=str(artifacts / "rtl-360px.png"), full_page=True)
    assert _width(page) <= 360, f"halaman RTL melebar {_width(page)}px"
    page.goto(f"{live_server}/tindak-lanjut/baru?unit={tree['psds'].id}&layanan={layanan.id}&periode={year}")
    page.screenshot(path=str(artifacts / "rtl-form-360px.png"), full_page=True)
    assert _width(page) <= 360, f"formulir RTL melebar {_width(page)}px"

    page.goto(f"{live_server}/tindak-lanjut/kritik?unit={tree['psds'].id}&periode={year}")
    assert page.locator(".kritik-item").count() == 5
    page.screenshot(path=str(artifacts / "kritik-triage-360px.png"), full_page=True)
    assert _width(page) <= 360, f"halaman kritik melebar {_width(page)}px"

    public = phone.new_page()
    public.goto(f"{live_server}/hasil/PSDS", wait_until="networkidle")
    public.screenshot(path=str(artifacts / "public-followup-360px.png"), full_page=True)
    assert public.locator("#tindak-lanjut").is_visible()
    assert "50,0%" in public.locator("#tindak-lanjut").inner_text()
    assert _width(public) <= 360, f"halaman publik melebar {_width(public)}px"


def test_dashboard_with_the_proposal_fits_360px(live_server, phone, artifacts, tree, make_layanan, make_user):
    """The dashboard's proposal (lowest unsur and those under the threshold) and theme counts on a phone."""
    from sqlalchemy import select

    from app.followup import triage
    from app.models import KritikTheme

    year = current_period("Asia/Jakarta").year
    layanan = make_layanan("izin-ugb", tree["psds"], published=True,
                           name="Izin Penyelenggaraan Undian Gratis Berhadiah (UGB)")
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    for k in range(6):
        db.session.add(SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period=f"{year}-01",
                                   submitted_at=utcnow(), kritik_saran="Antrean sangat panjang " * 8,
                                   **{f"u{i}": 2 if i == 3 else (2 + k % 2 if i == 4 else 4) for i in range(1, 10)}))
    db.session.commit()
    theme = db.session.scalar(select(KritikTheme).where(KritikTheme.code == "U3"))
    first = db.session.scalar(select(SkmResponse.id).order_by(SkmResponse.id))
    triage.triage(analyst, first, "baru", False, [theme.id], [])
    db.session.commit()

    page = phone.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "analis@x.id")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/laporan/?unit={tree['psds'].id}&period={year}", wait_until="networkidle")
    proposal = page.locator("#usulan-tindak-lanjut")
    proposal.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "dashboard-proposal-360px.png"), full_page=True)
    items = proposal.locator("li")
    assert items.count() == 2
    assert items.first.inner_text().startswith("U3 ")
    assert "Waktu pelayanan" in page.locator("#tema-kritik").inner_text()
    assert _width(page) <= 360, f"dasbor melebar {_width(page)}px"
    items.first.locator("a").click()
    assert page.locator("select[name=unsur]").input_value() == "U3"
