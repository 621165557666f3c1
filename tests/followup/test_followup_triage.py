"""Kritik dan saran triage: tagging, status, hide switch, links to RTL actions, theme counts, scope."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from app.core.periods import current_period, parse_period
from app.extensions import db
from app.followup import rtl, triage
from app.models import AuditEvent, KritikTheme, KritikTriage, RtlAction, SkmResponse
from tests.helpers import csrf_from, login

SECRET = "Petugas Budi 0812-3456-7890 kasar sekali"


def _answer(layanan, text, month, day=1):
    row = SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period=month,
                      submitted_at=datetime(int(month[:4]), int(month[5:]), day, 3), kritik_saran=text,
                      **{f"u{i}": 3 for i in range(1, 10)})
    db.session.add(row)
    db.session.commit()
    return row


def _theme(code):
    return db.session.scalar(select(KritikTheme).where(KritikTheme.code == code))


@pytest.fixture()
def world(tree, make_layanan, make_user):
    year = current_period("Asia/Jakarta").year
    lay = make_layanan("bansos", tree["psds"], name="Penyaluran Bansos", published=True)
    sib = make_layanan("rehab", tree["rehsos"], published=True)
    users = {r: make_user(f"{r}@x.id", role, unit) for r, role, unit in (
        ("admin", "admin", tree["dayasos"]), ("analyst", "analyst", tree["dayasos"]),
        ("monitor", "monitor", tree["dayasos"]), ("sibling", "analyst", tree["rehsos"]))}
    month = f"{year}-01"
    items = [_answer(lay, SECRET, month, 2), _answer(lay, "Antrean panjang di loket", month, 3),
             _answer(lay, "Terima kasih, pelayanan ramah", month, 4), _answer(sib, "Milik unit saudara", month, 5)]
    return {**tree, **users, "lay": lay, "sib": sib, "items": items, "period": parse_period(str(year))}


def test_default_catalogue_has_the_nine_unsur_apresiasi_and_lainnya(world):
    codes = [t.code for t in triage.themes()]
    assert codes == [f"U{i}" for i in range(1, 10)] + ["apresiasi", "lainnya"]


def test_tagging_status_hide_and_counts(world):
    secret, antre, thanks, _sib = world["items"]
    analyst, period = world["analyst"], world["period"]
    action = rtl.create_action(analyst, world["psds"], world["lay"], period, rtl.ActionInput(
        unsur="U3", problem="Antre", action="Loket tambahan", pic="PPK"))
    triage.triage(analyst, secret.id, "ditindaklanjuti", True, [_theme("U7").id], [])
    triage.triage(analyst, antre.id, "ditindaklanjuti", False, [_theme("U3").id, _theme("U9").id], [action.id])
    triage.triage(analyst, thanks.id, "ditutup", False, [_theme("apresiasi").id], [])
    db.session.commit()

    assert [r.id for r in action.kritik] == [antre.id]
    assert db.session.get(SkmResponse, secret.id).kritik_saran == SECRET  # the text is never edited
    counts = triage.theme_counts([world["lay"].id], period)
    assert counts.total == 3 and counts.untagged == 0
    assert dict(counts.by_theme) == {"Perilaku pelaksana": 1, "Waktu pelayanan": 1, "Sarana dan prasarana": 1,
                                     "Apresiasi": 1}
    public = triage.theme_counts([world["lay"].id], period, public=True)
    assert public.total == 2 and "Perilaku pelaksana" not in dict(public.by_theme)

    # untagging and unlinking
    triage.triage(analyst, antre.id, "baru", False, [], [])
    db.session.commit()
    assert action.kritik == [] or [r.id for r in db.session.get(RtlAction, action.id).kritik] == []
    assert triage.theme_counts([world["lay"].id], period).untagged == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "kritik.triage",
                                                         AuditEvent.entity_id == str(antre.id))
                                .order_by(AuditEvent.id)).all()
    assert events[0].after["action_ids"] == [action.id] and events[1].after["action_ids"] == []
    assert events[1].before["theme_ids"] == sorted([_theme("U3").id, _theme("U9").id])


def test_triage_refuses_other_scopes_and_unknown_values(world):
    secret, *_rest, sib_item = world["items"]
    for who in ("monitor", "sibling"):
        with pytest.raises(rtl.NotPermitted):
            triage.triage(world[who], secret.id, "ditutup", False, [], [])
    with pytest.raises(rtl.NotPermitted):
        triage.triage(world["analyst"], sib_item.id, "ditutup", False, [], [])
    with pytest.raises(rtl.FollowupError, match="Status"):
        triage.triage(world["analyst"], secret.id, "hapus", False, [], [])
    other = rtl.create_action(world["sibling"], world["rehsos"], world["sib"], world["period"], rtl.ActionInput(
        unsur="U1", problem="x", action="y", pic="z"))
    with pytest.raises(rtl.FollowupError, match="tidak mencakup"):
        triage.triage(world["analyst"], secret.id, "ditutup", False, [], [other.id])


def test_theme_catalogue_is_admin_managed(world):
    theme = triage.add_theme(world["admin"], "Parkir", "Parkir kendaraan")
    assert theme.code == "parkir"
    with pytest.raises(rtl.FollowupError, match="sudah dipakai"):
        triage.add_theme(world["admin"], "parkir", "Lagi")
    with pytest.raises(rtl.NotPermitted):
        triage.add_theme(world["analyst"], "x", "y")
    triage.set_theme_active(world["admin"], theme, False)
    assert "parkir" not in [t.code for t in triage.themes()]


# ---- HTTP -------------------------------------------------------------------------------------

def test_list_is_newest_first_searchable_and_filters(client, world):
    login(client, "analyst@x.id")
    base = f"/tindak-lanjut/kritik?unit={world['dayasos'].id}&periode={world['period'].code}"
    html = client.get(base).get_data(as_text=True)
    assert html.index("Terima kasih") < html.index("Antrean panjang") < html.index("Petugas Budi")
    assert "Milik unit saudara" not in html
    found = client.get(base + "&q=ANTREAN").get_data(as_text=True)
    assert "Antrean panjang" in found and "Terima kasih" not in found
    assert "Tidak ada kritik" in client.get(base + "&q=100%25").get_data(as_text=True)  # % is literal
    assert client.get(base + "&q=" + "x" * 101).status_code == 400
    assert client.get(base + "&status=hapus").status_code == 400
    assert client.get(base + "&tema=abc").status_code == 400


def test_triage_form_round_trip(client, world):
    secret = world["items"][0]
    login(client, "analyst@x.id")
    base = f"/tindak-lanjut/kritik?unit={world['dayasos'].id}&periode={world['period'].code}"
    token = csrf_from(client.get(base).get_data(as_text=True))
    reply = client.post(f"/tindak-lanjut/kritik/{secret.id}", data={
        "csrf_token": token, "status": "ditindaklanjuti", "themes": [str(_theme("U7").id)], "hidden_public": "y",
        "next": base})
    assert reply.status_code == 302 and reply.headers["Location"].endswith(base)
    row = db.session.get(KritikTriage, secret.id)
    assert (row.status, row.hidden_public, [t.code for t in row.themes]) == ("ditindaklanjuti", True, ["U7"])
    bad = client.post(f"/tindak-lanjut/kritik/{secret.id}", data={"csrf_token": token, "status": "baru",
                                                                  "themes": ["99999"]})
    assert bad.status_code == 400
    evil = client.post(f"/tindak-lanjut/kritik/{secret.id}", data={
        "csrf_token": token, "status": "baru", "next": "//evil.example/"})
    assert evil.status_code == 302 and "evil" not in evil.headers["Location"]


def test_triage_routes_scope(app, client, world):
    secret = world["items"][0]
    monitor = app.test_client()
    login(monitor, "monitor@x.id")
    assert monitor.get("/tindak-lanjut/kritik").status_code == 403
    assert monitor.get("/tindak-lanjut/tema").status_code == 403
    assert monitor.post(f"/tindak-lanjut/kritik/{secret.id}").status_code in (400, 403)
    login(client, "sibling@x.id")
    assert client.get(f"/tindak-lanjut/kritik?unit={world['dayasos'].id}").status_code == 404
    token = csrf_from(client.get("/tindak-lanjut/kritik").get_data(as_text=True))
    assert client.post(f"/tindak-lanjut/kritik/{secret.id}",
                       data={"csrf_token": token, "status": "ditutup"}).status_code == 404
    assert db.session.get(KritikTriage, secret.id) is None
    assert client.get("/tindak-lanjut/tema").status_code == 403  # analysts do not manage the catalogue


def test_admin_manages_themes_over_http(client, world):
    login(client, "admin@x.id")
    token = csrf_from(client.get("/tindak-lanjut/tema").get_data(as_text=True))
    assert client.post("/tindak-lanjut/tema", data={"csrf_token": token, "code": "parkir",
                                                    "name": "Parkir"}).status_code == 302
    theme = _theme("parkir")
    assert client.post(f"/tindak-lanjut/tema/{theme.id}/aktif", data={"csrf_token": token, "aktif": "0"}
                       ).status_code == 302
    db.session.expire_all()
    assert _theme("parkir").active is False
    assert client.post("/tindak-lanjut/tema/99999/aktif", data={"csrf_token": token}).status_code == 404


def test_public_page_shows_counts_and_themes_never_text_or_hidden(client, world):
    secret, antre, thanks, _sib = world["items"]
    analyst = world["analyst"]
    triage.triage(analyst, secret.id, "baru", True, [_theme("U7").id], [])
    triage.triage(analyst, antre.id, "baru", False, [_theme("U3").id], [])
    db.session.commit()
    html = client.get("/hasil/PSDS").get_data(as_text=True)
    assert "2 kritik dan saran diterima" in html and "Waktu pelayanan: 1" in html
    assert "Perilaku pelaksana" not in html  # only on the hidden item
    for text in (SECRET, "0812", "Antrean panjang", "Terima kasih"):
        assert text not in html
