"""The publication log: records per unit and period, media count with the public page, evidence, scope."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from app.core.periods import parse_period
from app.extensions import db
from app.followup import publication as pub
from app.followup import rtl
from app.models import AuditEvent, PublicationRecord
from tests.factories import blank_pdf
from tests.helpers import csrf_from, login

YEAR = parse_period("2025")



@pytest.fixture()
def world(tree, make_layanan, make_user):
    make_layanan("bansos", tree["psds"], published=True)
    for email, role, unit in (("analis@x.id", "analyst", tree["dayasos"]), ("monitor@x.id", "monitor", tree["dayasos"]),
                              ("sibling@x.id", "analyst", tree["rehsos"])):
        make_user(email, role, unit)
    return tree


def _analyst():
    from app.models import User

    return db.session.scalar(select(User).where(User.email == "analis@x.id"))


def test_media_count_includes_the_public_page_and_counts_media_once(app, world):
    unit = world["psds"]
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
