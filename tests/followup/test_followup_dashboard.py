"""The IKM dashboard proposes the unsur to act on (the RTL page's own proposals) and shows triage theme counts."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core.periods import parse_period
from app.extensions import db
from app.followup import rtl, triage
from app.models import KritikTheme, SkmResponse
from tests.factories import store_responses
from tests.helpers import login

YEAR = parse_period("2025")




@pytest.fixture()
def world(tree, make_user, make_layanan):
    lay = make_layanan("bansos", tree["psds"], name="Penyaluran Bansos")
    sib = make_layanan("rehab", tree["rehsos"], name="Rehabilitasi")
    users = {
        "admin": make_user("admin@x.id", "admin", tree["dayasos"]),
        "analyst": make_user("analis@x.id", "analyst", tree["dayasos"]),
        "monitor": make_user("monitor@x.id", "monitor", tree["dayasos"]),
        "sibling": make_user("sibling@x.id", "analyst", tree["rehsos"]),
    }
    # U3 = 2 (lowest), U4 = 2.75 (below 3.0), U9 = 3.0 (at the threshold: not proposed), the rest 4
    store_responses(lay, {"U3": 2, "U4": 3, "U9": 3}, 3, text="Antrean panjang")
    store_responses(lay, {"U3": 2, "U4": 2, "U9": 3}, 1, text="Ruang tunggu panas")
    store_responses(sib, {"U1": 1}, 2, text="Milik unit saudara")
    return {**tree, "lay": lay, "sib": sib, **users}


def _theme(code):
    return db.session.scalar(select(KritikTheme).where(KritikTheme.code == code))


def _page(client, unit, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"period": "2025", "unit": unit.id, **extra}.items())
    reply = client.get(f"/laporan/?{query}")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section[^>]*id="{anchor}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_dashboard_proposes_what_the_rtl_page_proposes_with_links(client, world):
    login(client, "analis@x.id")
    page = _page(client, world["dayasos"])
    block = _section(page, "usulan-tindak-lanjut")
    assert block, "the dashboard has no proposal section"
    expected = rtl.proposals(rtl.target_layanan_ids(world["dayasos"].id, None), YEAR, 3.0)
    assert [p.unsur for p in expected] == ["U3", "U4"]
    for p in expected:
        assert f"{p.unsur} {p.name}" in block
        assert f"unsur={p.unsur}" in block
    assert "U9 " not in block  # exactly at the threshold: not proposed
    assert "NRR terendah" in block and "di bawah ambang" in block
    assert f"/tindak-lanjut/baru?unit={world['dayasos'].id}" in block
    assert "periode=2025" in block


def test_the_admin_threshold_changes_the_dashboard_proposal(client, world):
    rtl.save_settings(world["admin"], world["dayasos"].id, 2.5, False)
    db.session.commit()
    login(client, "analis@x.id")
    block = _section(_page(client, world["dayasos"]), "usulan-tindak-lanjut")
    assert "U3 " in block and "U4 " not in block
    assert "2,50" in block


def test_dashboard_for_one_layanan_links_the_action_to_that_layanan(client, world):
    login(client, "analis@x.id")
    block = _section(_page(client, world["psds"], layanan=world["lay"].id), "usulan-tindak-lanjut")
    assert f"layanan={world['lay'].id}" in block and "unsur=U3" in block


def test_dashboard_shows_triage_theme_counts_with_a_link(client, world):
    analyst = world["analyst"]
    ids = list(db.session.scalars(select(SkmResponse.id).where(SkmResponse.layanan_id == world["lay"].id)
                                  .order_by(SkmResponse.id)))
    triage.triage(analyst, ids[0], "ditindaklanjuti", False, [_theme("U3").id], [])
    triage.triage(analyst, ids[1], "baru", False, [_theme("U3").id, _theme("U9").id], [])
    db.session.commit()
    login(client, "analis@x.id")
    block = _section(_page(client, world["dayasos"]), "tema-kritik")
    assert block, "the dashboard has no theme count section"
    assert re.search(r"Waktu pelayanan</td>\s*<td[^>]*>2<", block)
    assert re.search(r"Sarana dan prasarana</td>\s*<td[^>]*>1<", block)
    assert "2 belum dipilah" in block and "4 kritik dan saran" in block
    assert f"/tindak-lanjut/kritik?unit={world['dayasos'].id}" in block
    assert "Milik unit saudara" not in block


def test_monitors_see_no_dashboard_and_siblings_see_none_of_the_unit(app, client, world):
    monitor = app.test_client()
    login(monitor, "monitor@x.id")
    assert monitor.get(f"/laporan/?period=2025&unit={world['dayasos'].id}").status_code == 403
    sibling = app.test_client()
    login(sibling, "sibling@x.id")
    assert sibling.get(f"/laporan/?period=2025&unit={world['dayasos'].id}").status_code == 404
    own = _page(sibling, world["rehsos"])
    block = _section(own, "usulan-tindak-lanjut")
    assert "U1 " in block  # its own unit's proposal
    assert f"unit={world['dayasos'].id}" not in own and "Penyaluran Bansos" not in own


def test_dashboard_without_answers_proposes_nothing(client, world):
    login(client, "analis@x.id")
    page = _page(client, world["dayasos"], period="2024")
    assert "/tindak-lanjut/baru" not in page
