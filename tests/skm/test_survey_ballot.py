"""Ballot stuffing (issue 9): one old render stamp replayed without a device cookie.

Such responses are stored (flags, not drops) but carry flag_stamp_reused, which the
trigger-kept summary counts, the flag counts report and "exclude flagged" removes.
"""
from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader

from app.core.periods import parse_period
from app.extensions import db
from app.models import SkmResponse
from app.reports.ikm import build_report
from app.reports.pdf_report import render_pdf
from app.skm import submit as skm_submit
from app.skm import summary as skm_stats
from tests.factories import stored_responses
from tests.survey_helpers import JSON, payload


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)



def _varied(i: int) -> dict:
    """Answers that differ per request and never straight-line."""
    return {f"u{k}": str(1 + (i + k) % 4) for k in range(1, 10)}


def test_one_old_stamp_replayed_30_times_without_cookie_is_flagged_not_dropped(app, layanan):
    old_stamp = skm_submit.start_token(layanan.id, now=time.time() - 3 * 24 * 3600)
    for i in range(30):
        bot = app.test_client()  # a fresh client: never sends the device cookie
        answer = bot.post("/s/izin-ugb", data=payload(layanan.id, started=old_stamp, **_varied(i)), headers=JSON)
        assert answer.json["status"] == "ok"
    rows = stored_responses()
    assert len(rows) == 30  # flags, not drops
    assert all(r.device_hash is None and not r.flag_too_fast and not r.flag_straightline for r in rows)
    assert [r.flag_stamp_reused for r in rows] == [False] + [True] * 29
    assert len({r.stamp_hash for r in rows}) == 1 and old_stamp not in rows[0].stamp_hash
    assert sum(r.flagged for r in rows) == 29

    counts = skm_stats.flag_counts([layanan.id], None)
    assert counts["stamp_reused"] == 29 and counts["flagged"] == 29 and counts["total"] == 30
    assert skm_stats.ikm_for([layanan.id], None, exclude_flagged=True).n_respondents == 1
    assert skm_stats.summary_matches_raw()


def test_reused_stamp_shows_in_the_report_and_its_pdf(app, client, layanan):
    old_stamp = skm_submit.start_token(layanan.id, now=time.time() - 3600)
    for i in range(3):
        app.test_client().post("/s/izin-ugb", data=payload(layanan.id, started=old_stamp, **_varied(i)))
    year = stored_responses()[0].period[:4]
    report = build_report(layanan.unit, parse_period(year), exclude_flagged=False)
    assert report.flags["stamp_reused"] == 2
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages)
    assert "formulir dipakai ulang 2" in " ".join(text.split())


def test_one_device_finishing_several_forms_from_one_opened_page_is_not_stamp_flagged(client, layanan):
    """The offline queue resets the form for the next respondent and keeps its render stamp:
    the same device re-using its own stamp is the repeat-device signal, not a replayed stamp."""
    client.get("/s/izin-ugb")  # device cookie
    stamp = skm_submit.start_token(layanan.id, now=time.time() - 600)
    for i in range(2):
        client.post("/s/izin-ugb", data=payload(layanan.id, started=stamp, **_varied(i)))
    rows = stored_responses()
    assert [r.flag_stamp_reused for r in rows] == [False, False]
    assert [r.flag_repeat_device for r in rows] == [False, True]


def test_another_device_replaying_a_stamp_is_flagged(app, client, layanan):
    client.get("/s/izin-ugb")
    stamp = skm_submit.start_token(layanan.id, now=time.time() - 600)
    client.post("/s/izin-ugb", data=payload(layanan.id, started=stamp))
    other = app.test_client()
    other.get("/s/izin-ugb")  # its own device cookie
    other.post("/s/izin-ugb", data=payload(layanan.id, started=stamp))
    assert [r.flag_stamp_reused for r in stored_responses()] == [False, True]


def test_a_resent_copy_of_the_same_answer_is_not_a_reuse(app, layanan):
    data = payload(layanan.id)
    app.test_client().post("/s/izin-ugb", data=data)
    again = app.test_client().post("/s/izin-ugb", data=data, headers=JSON)
    assert again.json["status"] == "duplicate"
    [row] = stored_responses()
    assert not row.flag_stamp_reused


def test_two_pages_rendered_in_the_same_second_get_different_stamps(layanan, app):
    with app.test_request_context():
        now = time.time()
        first, second = skm_submit.start_token(layanan.id, now=now), skm_submit.start_token(layanan.id, now=now)
        assert first != second
        assert skm_submit.duration_from(first, layanan.id, now=now + 30) == 30


def test_stamps_rendered_before_the_nonce_still_give_a_duration(layanan, app):
    """Pages opened (and cached offline) before this change carry [layanan, time] stamps."""
    with app.test_request_context():
        legacy = skm_submit._serializer().dumps([layanan.id, 1_700_000_000])
        assert skm_submit.duration_from(legacy, layanan.id, now=1_700_000_045) == 45


def test_missing_stamp_is_still_flagged_and_never_counts_as_reuse(app, layanan):
    for _ in range(2):
        app.test_client().post("/s/izin-ugb", data=payload(layanan.id, started=""))
    rows = stored_responses()
    assert [r.flag_too_fast for r in rows] == [True, True]
    assert [r.flag_stamp_reused for r in rows] == [False, False] and rows[0].stamp_hash is None


@pytest.mark.parametrize(("column", "value", "ok"), [
    ("pendidikan", "TS", True), ("pendidikan", "XX", False), ("u1", 5, False), ("usia", 7, False),
    ("channel", "fax", False), ("jenis_kelamin", "X", False),
])
def test_the_table_rebuild_keeps_every_check_constraint(layanan, column, value, ok):
    """Migration 0009 rebuilds skm_response on SQLite to widen the pendidikan CHECK; the others must survive."""
    import uuid
    from datetime import datetime

    from sqlalchemy.exc import IntegrityError

    values = {"channel": "web", column: value}
    db.session.add(SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period="2025-01",
                               submitted_at=datetime(2025, 1, 2), **values))
    if ok:
        db.session.commit()
        assert skm_stats.summary_matches_raw()
    else:
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_two_devices_racing_with_one_stamp_flag_exactly_one(app, layanan):
    """The stamp check cannot race: two devices posting the same render stamp at the same moment,
    eight times over, are each time stored twice and flagged once (the later one sees the earlier)."""
    import threading

    for round_ in range(8):
        stamp = skm_submit.start_token(layanan.id, now=time.time() - 120)
        barrier = threading.Barrier(2)
        codes: list[int] = []

        forms = {device: payload(layanan.id, started=stamp, **_varied(device)) for device in (1, 2)}

        def post(device, forms=forms, barrier=barrier, codes=codes, round_=round_):
            client = app.test_client()
            client.set_cookie("pantau_perangkat", f"device-{round_}-{device}")
            form = forms[device]
            barrier.wait()
            codes.append(client.post("/s/izin-ugb", data=form, headers=JSON).status_code)

        threads = [threading.Thread(target=post, args=(device,)) for device in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert codes == [200, 200]
        stamp_hash = skm_submit.stamp_hash(stamp)
        with app.app_context():
            flags = db.session.scalars(
                db.select(SkmResponse.flag_stamp_reused).where(SkmResponse.stamp_hash == stamp_hash)).all()
            db.session.remove()
        assert sorted(flags) == [False, True], (round_, flags)
