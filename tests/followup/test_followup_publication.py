"""The publication log: records per unit and period, media count with the public page, evidence, scope."""
from __future__ import annotations

import io
import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import event, insert, select

from app.core.periods import current_period, parse_period
from app.extensions import db
from app.followup import publication as pub
from app.followup import rtl
from app.models import AuditEvent, PublicationRecord, PublicResultsShown, SkmResponse
from tests.factories import blank_pdf
from tests.helpers import csrf_from, login

YEAR = parse_period("2025")



@pytest.fixture()
def world(tree, make_layanan, make_user):
    lay = make_layanan("bansos", tree["psds"], published=True)
    for email, role, unit in (("analis@x.id", "analyst", tree["dayasos"]), ("monitor@x.id", "monitor", tree["dayasos"]),
                              ("sibling@x.id", "analyst", tree["rehsos"])):
        make_user(email, role, unit)
    return {**tree, "lay": lay}


def _responses(layanan, month: str, count: int) -> None:
    db.session.execute(insert(SkmResponse), [{
        "instance_id": uuid.uuid4(), "layanan_id": layanan.id, "period": month,
        "submitted_at": datetime(int(month[:4]), int(month[5:]), 1 + i, 3), "form_version": "skm-2017-v1",
        "channel": "web", "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
        **{f"u{k}": 3 for k in range(1, 10)}} for i in range(count)])
    db.session.commit()


def _analyst():
    from app.models import User

    return db.session.scalar(select(User).where(User.email == "analis@x.id"))


def _shown(unit, layanan, when: datetime, year: str = "2025") -> None:
    """The public results page of `unit` served at `when` (naive UTC) showing `year`'s results."""
    pub.record_results_shown(unit.id, [layanan.id], parse_period(year), when)
    db.session.commit()


def test_media_count_includes_the_public_page_and_counts_media_once(app, world):
    unit = world["psds"]
    assert pub.media_count(unit.id, "2025") == 0  # a published layanan, but no results ever shown
    _responses(world["lay"], "2025-03", 2)
    _shown(unit, world["lay"], datetime(2025, 4, 10, 2))
    assert pub.media_count(unit.id, "2025") == 1  # the public results page, automatically
    analyst = _analyst()
    pub.add_record(analyst, unit.id, YEAR, pub.RecordInput("website", date(2025, 7, 1), url="https://psds.go.id/skm"))
    pub.add_record(analyst, unit.id, YEAR, pub.RecordInput("website", date(2025, 8, 1), url="https://x.go.id/skm"))
    pub.add_record(analyst, unit.id, YEAR, pub.RecordInput("papan", date(2025, 7, 2)))
    db.session.commit()
    assert pub.media_count(unit.id, "2025") == 3
    assert pub.media_count(world["rehsos"].id, "2025") == 0  # no published layanan, no records
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "publication_record")) \
        == "publication.create"


@pytest.mark.parametrize(("data", "message"), [
    (pub.RecordInput("lainnya", date(2025, 7, 1)), "Jelaskan media lain"),
    (pub.RecordInput("website", date(2025, 7, 1)), "Alamat web wajib"),
    (pub.RecordInput("website", date(2025, 7, 1), url="javascript:alert(1)"), "http"),
    (pub.RecordInput("papan", date(2999, 1, 1)), "masa depan"),
    (pub.RecordInput("radio", date(2025, 7, 1)), "tidak dikenal"),
    (pub.RecordInput("papan", date(2025, 7, 1), evidence=b"MZ not an image"), "bukan PDF"),
])
def test_invalid_records_are_refused(app, world, data, message):
    with pytest.raises(rtl.FollowupError, match=message):
        pub.add_record(_analyst(), world["psds"].id, YEAR, data, app.instance_path)


def test_routes_for_each_role_and_sibling_units(app, client, world):
    _responses(world["lay"], "2025-03", 2)
    _shown(world["psds"], world["lay"], datetime(2025, 4, 10, 2))
    login(client, "analis@x.id")
    url = f"/tindak-lanjut/publikasi?unit={world['psds'].id}&periode=2025"
    token = csrf_from(client.get(url).get_data(as_text=True))
    reply = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "medium": "spanduk", "published_on": "2025-07-03",
        "evidence": (io.BytesIO(blank_pdf()), "../../foto.pdf")})
    assert reply.status_code == 302
    record = db.session.scalar(select(PublicationRecord))
    assert record.evidence_file and record.period == "2025"
    page = client.get(url).get_data(as_text=True)
    assert "Spanduk" in page and "Jumlah media publikasi: <strong>2</strong>" in page
    assert client.get(f"/tindak-lanjut/publikasi/{record.id}/bukti").data.startswith(b"%PDF")

    monitor = app.test_client()
    login(monitor, "monitor@x.id")
    assert monitor.get(url).status_code == 403
    assert monitor.get(f"/tindak-lanjut/publikasi/{record.id}/bukti").status_code == 403
    sibling = app.test_client()
    login(sibling, "sibling@x.id")
    assert sibling.get(url).status_code == 404
    assert sibling.get(f"/tindak-lanjut/publikasi/{record.id}/bukti").status_code == 404
    token2 = csrf_from(sibling.get("/tindak-lanjut/publikasi").get_data(as_text=True))
    assert sibling.post(f"/tindak-lanjut/publikasi/{record.id}/hapus", data={"csrf_token": token2}).status_code == 404
    assert app.test_client().get(f"/tindak-lanjut/publikasi/{record.id}/bukti").status_code in (302, 401)

    assert client.post(f"/tindak-lanjut/publikasi/{record.id}/hapus", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(PublicationRecord)) is None


# ---- the public results page as a medium, dated by its first publication ------------------------

def _stamps(unit) -> dict[str, datetime]:
    return {r.period: r.first_shown_at for r in db.session.scalars(
        select(PublicResultsShown).where(PublicResultsShown.unit_id == unit.id))}


def test_first_serve_with_results_dates_each_period_it_shows_and_later_serves_keep_it(app, world):
    unit, lay = world["psds"], world["lay"]
    _shown(unit, lay, datetime(2025, 2, 1, 2))  # nothing to show yet: not a publication
    assert _stamps(unit) == {}
    _responses(lay, "2025-03", 2)
    _shown(unit, lay, datetime(2025, 3, 20, 2))
    first = datetime(2025, 3, 20, 2)
    assert _stamps(unit) == {"2025": first, "2025-S1": first, "2025-Q1": first, "2025-03": first}
    _responses(lay, "2025-08", 1)
    _shown(unit, lay, datetime(2025, 8, 5, 2))
    later = datetime(2025, 8, 5, 2)
    stamps = _stamps(unit)
    assert stamps["2025"] == first and stamps["2025-Q1"] == first  # the first publication stays
    assert stamps["2025-S2"] == later and stamps["2025-Q3"] == later and stamps["2025-08"] == later
    assert "2025-04" not in stamps and "2025-Q2" not in stamps  # months without results were never shown
    assert pub.media_count(unit.id, "2025-Q2") == 0 and pub.media_count(unit.id, "2025-Q3") == 1
    shown = pub.public_page_medium(unit.id, "2025", "Asia/Jakarta")
    assert shown.first_shown_on == date(2025, 3, 20) and shown.path == f"/hasil/{unit.code}"


def test_unpublished_layanan_are_not_a_publication(app, world, make_layanan):
    hidden = make_layanan("tersembunyi", world["rehsos"], published=False)
    _responses(hidden, "2025-03", 2)
    client = app.test_client()
    assert client.get(f"/hasil/{world['rehsos'].code}").status_code == 200
    assert _stamps(world["rehsos"]) == {}
    assert pub.media_count(world["rehsos"].id, "2025") == 0


def test_serving_the_public_page_records_the_first_publication(app, world):
    year = current_period("Asia/Jakarta")
    month = current_period("Asia/Jakarta", "month")
    _responses(world["lay"], month.code, 2)
    client = app.test_client()
    assert client.get(f"/hasil/{world['psds'].code}").status_code == 200
    stamps = _stamps(world["psds"])
    assert year.code in stamps and month.code in stamps
    first = stamps[year.code]
    assert client.get(f"/hasil/{world['psds'].code}").status_code == 200
    assert _stamps(world["psds"])[year.code] == first
    assert pub.media_count(world["psds"].id, year.code) == 1
    # the parent's page showed the same results: it is the parent's medium too
    assert client.get(f"/hasil/{world['dayasos'].code}").status_code == 200
    assert year.code in _stamps(world["dayasos"])
    assert _stamps(world["rehsos"]) == {}


def test_the_log_page_shows_the_automatic_medium_with_its_date(app, client, world):
    _responses(world["lay"], "2025-03", 2)
    _shown(world["psds"], world["lay"], datetime(2025, 3, 20, 2))
    login(client, "analis@x.id")
    page = client.get(f"/tindak-lanjut/publikasi?unit={world['psds'].id}&periode=2025").get_data(as_text=True)
    assert "Halaman hasil publik Pantau" in page and "pertama tampil 20 Maret 2025" in page
    assert "Jumlah media publikasi: <strong>1</strong>" in page
    other = client.get(f"/tindak-lanjut/publikasi?unit={world['psds'].id}&periode=2024").get_data(as_text=True)
    assert "Jumlah media publikasi: <strong>0</strong>" in other and "pertama tampil" not in other
    assert "belum pernah menampilkan hasil" in other
    monitor = app.test_client()
    login(monitor, "monitor@x.id")
    assert monitor.get(f"/tindak-lanjut/publikasi?unit={world['psds'].id}&periode=2025").status_code == 403
    sibling = app.test_client()
    login(sibling, "sibling@x.id")
    assert sibling.get(f"/tindak-lanjut/publikasi?unit={world['psds'].id}&periode=2025").status_code == 404


# ---- the stamp costs no query on repeat views ------------------------------------------------------

def _view(client, url: str) -> list[str]:
    """The SQL statements one view of the public page sends."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        answer = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert answer.status_code == 200
    return statements


def _stamping(statements: list[str]) -> list[str]:
    """The statements of record_results_shown: the months with results, the stamps known, the inserts."""
    return [s for s in statements if "public_results_shown" in s.lower() or "having sum(skm_summary.n)" in s.lower()]


def test_repeat_views_send_no_stamp_query_and_the_stamps_stay_right(app, world):
    year = current_period("Asia/Jakarta").year
    unit, lay = world["psds"], world["lay"]
    _responses(lay, f"{year}-03", 2)
    client = app.test_client()
    url = f"/hasil/{unit.code}"
    first = _view(client, url)
    assert len(_stamping(first)) >= 3  # months, known stamps, inserts
    stamps = _stamps(unit)
    assert set(stamps) == {str(year), f"{year}-S1", f"{year}-Q1", f"{year}-03"}
    for _ in range(2):
        repeat = _view(client, url)
        assert _stamping(repeat) == [], _stamping(repeat)
        assert len(repeat) == len(first) - len(_stamping(first))
    # A response in a new month changes what the page shows: the next view stamps that month only.
    _responses(lay, f"{year}-09", 1)
    assert _stamping(_view(client, url))
    later = _stamps(unit)
    assert {k: later[k] for k in stamps} == stamps
    assert set(later) - set(stamps) == {f"{year}-S2", f"{year}-Q3", f"{year}-09"}
    assert _stamping(_view(client, url)) == []
    # Another process (its own empty memory) serving the page tries again: harmless, nothing changes.
    pub.forget_shown()
    assert _stamping(_view(client, url))
    assert _stamps(unit) == later
    assert _stamping(_view(client, url)) == []


def test_a_rolled_back_stamp_is_not_remembered(app, world):
    unit, lay = world["psds"], world["lay"]
    _responses(lay, "2025-03", 2)
    shown = ((lay.id, 2),)
    assert pub.record_results_shown(unit.id, [lay.id], YEAR, datetime(2025, 3, 20, 2), shown=shown)
    db.session.rollback()
    assert _stamps(unit) == {}
    assert pub.record_results_shown(unit.id, [lay.id], YEAR, datetime(2025, 3, 21, 2), shown=shown)
    db.session.commit()
    assert _stamps(unit)["2025"] == datetime(2025, 3, 21, 2)
    assert pub.record_results_shown(unit.id, [lay.id], YEAR, datetime(2025, 3, 22, 2), shown=shown) == []
