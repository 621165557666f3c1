"""Rencana tindak lanjut: proposals, lifecycle with audit, completion shares, and scope on every route."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.core.periods import parse_period
from app.extensions import db
from app.followup import rtl
from app.models import AuditEvent, RtlAction, RtlSetting, SkmResponse
from tests.factories import store_responses
from tests.helpers import csrf_from, login

YEAR = parse_period("2025")




@pytest.fixture()
def world(tree, make_user, make_layanan):
    """DAYASOS (with PSDS below it) and its sibling REHSOS, each with a layanan and users."""
    lay = make_layanan("bansos", tree["psds"])
    sib = make_layanan("rehab", tree["rehsos"])
    users = {
        "admin": make_user("admin@x.id", "admin", tree["dayasos"]),
        "analyst": make_user("analis@x.id", "analyst", tree["dayasos"]),
        "monitor": make_user("monitor@x.id", "monitor", tree["dayasos"]),
        "sibling": make_user("sibling@x.id", "analyst", tree["rehsos"]),
        "child": make_user("child@x.id", "analyst", tree["psds"]),
    }
    return {**tree, "lay": lay, "sib": sib, **users}


def _input(**kw) -> rtl.ActionInput:
    base = {"unsur": "U3", "problem": "Antrean lama", "action": "Tambah loket", "pic": "Kasubag Umum"}
    return rtl.ActionInput(**{**base, **kw})


# ---- proposals ------------------------------------------------------------------------------

def test_proposals_are_the_lowest_unsur_and_every_one_below_the_threshold(world):
    # U3 = 2 (lowest), U4 = 2.75 (below 3.0), U9 = 3 (not below), the rest 4
    store_responses(world["lay"], {"U3": 2, "U4": 3, "U9": 3}, 2)
    store_responses(world["lay"], {"U3": 2, "U4": 2, "U9": 3}, 1)
    store_responses(world["lay"], {"U3": 2, "U4": 3, "U9": 3}, 1)
    found = rtl.proposals([world["lay"].id], YEAR, 3.0)
    assert [(p.unsur, p.lowest, p.below_threshold) for p in found] == [("U3", True, True), ("U4", False, True)]
    assert found[1].nrr == pytest.approx(2.75)
    # a lower admin threshold keeps only the lowest
    assert [p.unsur for p in rtl.proposals([world["lay"].id], YEAR, 2.0)] == ["U3"]


def test_proposals_without_answers_are_empty(world):
    assert rtl.proposals([world["lay"].id], YEAR, 3.0) == []


# ---- lifecycle, audit and completion --------------------------------------------------------

def test_lifecycle_is_audited_and_completion_is_computed_from_records(world):
    store_responses(world["lay"], {"U3": 2}, 2, text="Antrean panjang sekali")
    kritik_ids = tuple(db.session.scalars(select(SkmResponse.id)))
    analyst = world["analyst"]
    a = rtl.create_action(analyst, world["psds"], world["lay"], YEAR, _input(kritik_ids=kritik_ids))
    b = rtl.create_action(analyst, world["psds"], world["lay"], YEAR, _input(unsur="U4"))
    c = rtl.create_action(analyst, world["dayasos"], None, YEAR, _input(unsur="U9"))
    db.session.commit()
    assert [r.id for r in a.kritik] == sorted(kritik_ids)
    assert rtl.completion([world["dayasos"].id, world["psds"].id], "2025").overall.share == 0

    rtl.update_action(analyst, a, _input(status="berjalan"))
    rtl.update_action(analyst, a, _input(status="selesai", completed_on=date(2025, 6, 1), evidence_note="Foto loket"))
    rtl.update_action(analyst, b, _input(unsur="U4", status="dibatalkan", cancel_reason="Anggaran dipotong"))
    db.session.commit()

    report = rtl.completion([world["dayasos"].id, world["psds"].id], "2025")
    # a done, b cancelled (left out), c planned: 1 of 2 counted
    assert (report.overall.total, report.overall.done, report.overall.cancelled) == (3, 1, 1)
    assert report.overall.share == 50.0
    assert report.by_layanan[world["lay"].id].share == 100.0
    assert report.by_layanan[None].share == 0.0
    assert report.by_unit[world["psds"].id].share == 100.0
    assert rtl.completion([world["dayasos"].id], "2026").overall.share is None

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "rtl_action",
                                                         AuditEvent.entity_id == str(a.id))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["rtl.create", "rtl.update", "rtl.update"]
    assert all(e.user_id == analyst.id for e in events)
    assert events[1].before["status"] == "rencana" and events[1].after["status"] == "berjalan"
    assert events[2].after["completed_on"] == "2025-06-01"
    assert events[0].after["kritik_ids"] == sorted(kritik_ids)

    rtl.delete_action(analyst, c)
    db.session.commit()
    assert db.session.get(RtlAction, c.id) is None
    gone = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rtl.delete"))
    assert gone.before["unsur"] == "U9"


@pytest.mark.parametrize(("kw", "message"), [
    ({"status": "dibatalkan"}, "Alasan pembatalan"),
    ({"status": "selesai"}, "Tanggal selesai wajib"),
    ({"completed_on": date(2025, 1, 1)}, "hanya diisi bila status Selesai"),
    ({"planned_start": date(2025, 5, 1), "planned_end": date(2025, 4, 1)}, "tidak boleh sebelum"),
    ({"unsur": "U10"}, "Unsur tidak dikenal"),
    ({"pic": "  "}, "Penanggung jawab wajib"),
])
def test_invalid_actions_are_refused_in_indonesian(world, kw, message):
    with pytest.raises(rtl.FollowupError, match=message):
        rtl.create_action(world["analyst"], world["psds"], world["lay"], YEAR, _input(**kw))


def test_kritik_of_another_layanan_or_period_cannot_be_linked(world):
    store_responses(world["sib"], {}, 1, text="Bukan milik unit ini")
    store_responses(world["lay"], {}, 1, text="Periode lain", month="2024-12")
    for rid in db.session.scalars(select(SkmResponse.id)):
        with pytest.raises(rtl.FollowupError, match="tidak ditemukan"):
            rtl.create_action(world["analyst"], world["psds"], world["lay"], YEAR, _input(kritik_ids=(rid,)))


def test_services_refuse_monitors_and_sibling_units(world):
    for who in ("monitor", "sibling", "child"):
        with pytest.raises(rtl.NotPermitted):
            rtl.create_action(world[who], world["dayasos"], None, YEAR, _input())
    action = rtl.create_action(world["analyst"], world["dayasos"], None, YEAR, _input())
    with pytest.raises(rtl.NotPermitted):
        rtl.update_action(world["sibling"], action, _input(status="berjalan"))
    with pytest.raises(rtl.NotPermitted):
        rtl.save_settings(world["analyst"], world["dayasos"].id, 2.5, False)
    with pytest.raises(rtl.NotPermitted):
        rtl.save_settings(world["sibling"], world["dayasos"].id, 2.5, False)


# ---- HTTP: every route, each role, sibling units --------------------------------------------

def _email(who: str) -> str:
    return {"analyst": "analis"}.get(who, who) + "@x.id"


def test_index_shows_proposals_actions_and_completion(client, world):
    store_responses(world["lay"], {"U3": 2}, 3)
    action = rtl.create_action(world["analyst"], world["psds"], world["lay"], YEAR, _input(pic="Bu Sari"))
    db.session.commit()
    login(client, _email("analyst"))
    page = client.get(f"/tindak-lanjut/?unit={world['dayasos'].id}&periode=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "U3 Waktu penyelesaian" in html and "NRR terendah" in html
    assert "Bu Sari" in html and f"/tindak-lanjut/{action.id}/ubah" in html
    assert "0,0%" in html  # 0 of 1 done


def test_create_and_edit_through_the_forms(client, world):
    store_responses(world["lay"], {"U3": 2}, 1, text="Loket kurang")
    rid = db.session.scalar(select(SkmResponse.id))
    login(client, _email("analyst"))
    url = f"/tindak-lanjut/baru?unit={world['psds'].id}&layanan={world['lay'].id}&periode=2025&unsur=U3"
    page = client.get(url)
    assert page.status_code == 200 and "Loket kurang" in page.get_data(as_text=True)
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "unsur": "U3", "problem": "Antre",
            "kritik": [str(rid)], "action": "Loket tambahan", "pic": "Pak Budi", "status": "rencana",
            "planned_start": "2025-04-01", "planned_end": "2025-06-30"}
    assert client.post(url, data=data).status_code == 302
    action = db.session.scalar(select(RtlAction))
    assert action.period == "2025" and action.layanan_id == world["lay"].id and [r.id for r in action.kritik] == [rid]

    edit = f"/tindak-lanjut/{action.id}/ubah"
    page = client.get(edit)
    data.update(csrf_token=csrf_from(page.get_data(as_text=True)), status="selesai", completed_on="")
    bad = client.post(edit, data=data)
    assert bad.status_code == 200 and "Tanggal selesai wajib" in bad.get_data(as_text=True)
    data.update(completed_on="tanggal")
    bad = client.post(edit, data=data)
    assert "Not a valid" not in bad.get_data(as_text=True) and "Tanggal tidak valid" in bad.get_data(as_text=True)
    data.update(completed_on="2025-07-01")
    assert client.post(edit, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(RtlAction, action.id).status == "selesai"
    data.update(kritik=["abc"])
    assert client.post(edit, data=data).status_code == 200  # a bad id is a form error, not a 500
    data.update(kritik=["999999"])
    page = client.post(edit, data=data)
    assert page.status_code == 200 and "Pilihan tidak valid" in page.get_data(as_text=True)


@pytest.mark.parametrize("who", ["monitor"])
def test_monitors_see_none_of_it(client, world, who):
    action = rtl.create_action(world["analyst"], world["dayasos"], None, YEAR, _input())
    db.session.commit()
    login(client, _email(who))
    for url in ("/tindak-lanjut/", f"/tindak-lanjut/baru?unit={world['dayasos'].id}",
                f"/tindak-lanjut/{action.id}/ubah", f"/tindak-lanjut/pengaturan?unit={world['dayasos'].id}"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/tindak-lanjut/{action.id}/hapus").status_code in (400, 403)
    page = client.get("/")
    assert "/tindak-lanjut/" not in page.get_data(as_text=True)


def test_sibling_units_get_404_on_every_route(client, world):
    action = rtl.create_action(world["analyst"], world["dayasos"], None, YEAR, _input())
    db.session.commit()
    login(client, _email("sibling"))
    unit = world["dayasos"].id
    for url in (f"/tindak-lanjut/?unit={unit}", f"/tindak-lanjut/baru?unit={unit}",
                f"/tindak-lanjut/?layanan={world['lay'].id}", f"/tindak-lanjut/{action.id}/ubah"):
        assert client.get(url).status_code == 404, url
    token = csrf_from(client.get("/tindak-lanjut/").get_data(as_text=True))
    assert client.post(f"/tindak-lanjut/{action.id}/hapus", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/tindak-lanjut/{action.id}/ubah", data={"csrf_token": token}).status_code == 404
    # the sibling's own page shows nothing of DAYASOS
    html = client.get("/tindak-lanjut/?periode=2025").get_data(as_text=True)
    assert "Tambah loket" not in html
    assert db.session.get(RtlAction, action.id) is not None


def test_child_unit_analyst_cannot_reach_the_parent(client, world):
    action = rtl.create_action(world["analyst"], world["dayasos"], None, YEAR, _input())
    db.session.commit()
    login(client, _email("child"))
    assert client.get(f"/tindak-lanjut/?unit={world['dayasos'].id}").status_code == 404
    assert client.get(f"/tindak-lanjut/{action.id}/ubah").status_code == 404
    assert client.get(f"/tindak-lanjut/?unit={world['psds'].id}").status_code == 200


def test_admin_delete_and_settings(client, world):
    action = rtl.create_action(world["analyst"], world["psds"], None, YEAR, _input())
    db.session.commit()
    login(client, _email("admin"))
    page = client.get(f"/tindak-lanjut/pengaturan?unit={world['psds'].id}")
    token = csrf_from(page.get_data(as_text=True))
    assert client.post(f"/tindak-lanjut/pengaturan?unit={world['psds'].id}",
                       data={"csrf_token": token, "nrr_threshold": "2,75", "show_pic": "y"}).status_code == 302
    row = db.session.get(RtlSetting, world["psds"].id)
    assert (row.nrr_threshold, row.show_pic) == (2.75, True)
    bad = client.post(f"/tindak-lanjut/pengaturan?unit={world['psds'].id}",
                      data={"csrf_token": token, "nrr_threshold": "9"})
    assert bad.status_code == 200 and "antara 1,00 dan 4,00" in bad.get_data(as_text=True)
    assert client.get(f"/tindak-lanjut/pengaturan?unit={world['rehsos'].id}").status_code == 404
    assert client.post(f"/tindak-lanjut/{action.id}/hapus", data={"csrf_token": token}).status_code == 302
    assert db.session.get(RtlAction, action.id) is None


@pytest.mark.parametrize("typed", ["abc", "NaN", "Infinity", "1e3"])
def test_threshold_that_is_no_number_gets_the_example(client, world, typed):
    """The shared DecimalNumberField reads the threshold: NaN, Infinity and exponents are no numbers."""
    login(client, _email("admin"))
    url = f"/tindak-lanjut/pengaturan?unit={world['psds'].id}"
    token = csrf_from(client.get(url).get_data(as_text=True))
    reply = client.post(url, data={"csrf_token": token, "nrr_threshold": typed})
    assert reply.status_code == 200 and "Isi angka, mis. 3,00." in reply.get_data(as_text=True)
    assert db.session.get(RtlSetting, world["psds"].id) is None


def test_analyst_cannot_change_settings(client, world):
    login(client, _email("analyst"))
    assert client.get(f"/tindak-lanjut/pengaturan?unit={world['dayasos'].id}").status_code == 403


@pytest.mark.parametrize("query", ["unit=abc", "unit=%EF%BC%91", "periode=2025-13", "periode=x%00", "layanan=-1",
                                   "hal=abc"])
def test_bad_parameters_are_400_never_500(client, world, query):
    login(client, _email("analyst"))
    status = client.get(f"/tindak-lanjut/?{query}").status_code
    assert status in (200, 400) and (status == 200) == query.startswith("hal=")
