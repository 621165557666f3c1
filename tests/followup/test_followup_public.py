"""The public results page shows each layanan's follow-up: status, completion share, last update,
officer names only when the unit opts in, and never the linked kritik dan saran text."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.core.periods import current_period, parse_period
from app.extensions import db
from app.followup import rtl
from app.models import RtlAction, RtlSetting, SkmResponse, utcnow

SECRET = "Petugas Budi 0812-3456-7890 kasar sekali"


@pytest.fixture()
def world(tree, make_layanan, make_user):
    year = current_period("Asia/Jakarta").year
    pub = make_layanan("bansos", tree["psds"], name="Penyaluran Bansos", published=True)
    hidden = make_layanan("internal", tree["psds"], name="Layanan Internal", published=False)
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    db.session.add(SkmResponse(instance_id=uuid.uuid4(), layanan_id=pub.id, period=f"{year}-01",
                               submitted_at=utcnow(), kritik_saran=SECRET, **{f"u{i}": 3 for i in range(1, 10)}))
    db.session.commit()
    period = parse_period(str(year))
    rid = db.session.scalar(select(SkmResponse.id))

    def add(layanan, **kw):
        base = {"unsur": "U7", "problem": "Perilaku petugas dikeluhkan", "action": "Pelatihan layanan prima",
                "pic": "Ibu Kasubag Rahasia"}
        when = kw.pop("period", period)
        return rtl.create_action(analyst, tree["psds"], layanan, when, rtl.ActionInput(**{**base, **kw}))

    add(pub, kritik_ids=(rid,))
    add(pub, unsur="U3", action="Loket tambahan", status="selesai", completed_on=date(year, 2, 1))
    add(pub, unsur="U9", action="Ruang tunggu", status="dibatalkan", cancel_reason="Gedung direnovasi")
    add(hidden, action="Tindakan layanan tertutup")
    add(pub, action="Tindakan lama sekali", period=parse_period(str(year - 3)))
    db.session.commit()
    return {**tree, "pub": pub, "year": year}


def test_public_page_shows_status_share_and_last_update_but_no_text_or_names(client, world):
    html = client.get("/hasil/PSDS").get_data(as_text=True)
    assert "Tindak lanjut hasil survei" in html
    assert "Pelatihan layanan prima" in html and "Loket tambahan" in html
    assert "Berjalan" not in html and "Rencana" in html and "Selesai" in html and "Gedung direnovasi" in html
    assert "50,0%" in html and "1 dari 2 tindak lanjut selesai" in html
    assert "Pembaruan terakhir" in html
    assert SECRET not in html and "0812" not in html  # the linked kritik text never appears
    assert "Ibu Kasubag Rahasia" not in html  # no officer names unless the unit opts in
    assert "Tindakan layanan tertutup" not in html  # unpublished layanan stay private
    assert "Tindakan lama sekali" not in html  # only this and last year's follow-up


def test_officer_names_appear_when_the_unit_opts_in(client, world):
    db.session.add(RtlSetting(unit_id=world["psds"].id, nrr_threshold=3.0, show_pic=True))
    db.session.commit()
    assert "Ibu Kasubag Rahasia" in client.get("/hasil/PSDS").get_data(as_text=True)


def test_public_page_without_follow_up_has_no_section(client, world):
    db.session.query(RtlAction).delete()
    db.session.commit()
    assert "Tindak lanjut hasil survei" not in client.get("/hasil/PSDS").get_data(as_text=True)
