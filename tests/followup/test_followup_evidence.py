"""Evidence uploads for RTL actions: type by content, size cap, EXIF/GPS stripped, no path from the
browser's file name, and who may download the file."""
from __future__ import annotations

import io
import os
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.periods import current_period, parse_period
from app.extensions import db
from app.followup import evidence_files, rtl
from app.models import RtlAction, User
from tests.factories import blank_pdf
from tests.helpers import csrf_from, login

GPS_IFD = 0x8825



def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries GPS
        assert check.getexif().get_ifd(GPS_IFD)
    return data


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10), 3).save(out, "PNG")
    return out.getvalue()


# ---- the checks themselves ---------------------------------------------------------------------

def test_wrong_type_renamed_pdf_is_refused(app, tmp_path):
    for fake in (b"MZ\x90\x00 not a pdf at all", b"%PDF-1.7\n garbage without objects", b"<html>hi</html>"):
        with pytest.raises(evidence_files.EvidenceError):
            evidence_files.store(fake, str(tmp_path))
    assert not (tmp_path / "evidence").exists() or not os.listdir(tmp_path / "evidence")


def test_oversized_file_is_refused(app, tmp_path):
    with pytest.raises(evidence_files.EvidenceError, match="terlalu besar"):
        evidence_files.store(b"%PDF-" + b"0" * evidence_files.MAX_BYTES, str(tmp_path))
    with pytest.raises(evidence_files.EvidenceError, match="kosong"):
        evidence_files.store(b"", str(tmp_path))


def test_image_with_gps_exif_comes_out_stripped(app, tmp_path):
    name = evidence_files.store(_jpeg_with_gps(), str(tmp_path))
    assert evidence_files.NAME_RE.match(name) and name.endswith(".jpg")
    data = (tmp_path / "evidence" / name).read_bytes()
    assert b"KameraRahasia" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)


def test_pdf_and_png_are_accepted(app, tmp_path):
    assert evidence_files.store(blank_pdf(), str(tmp_path)).endswith(".pdf")
    name = evidence_files.store(_png(), str(tmp_path))
    with Image.open(tmp_path / "evidence" / name) as image:
        assert image.format == "PNG"


def test_path_for_accepts_only_names_it_made(app, tmp_path):
    name = evidence_files.store(blank_pdf(), str(tmp_path))
    assert evidence_files.path_for(name, str(tmp_path))
    (tmp_path / "secret.txt").write_text("x")
    for evil in ("../secret.txt", "..%2Fsecret.txt", "/etc/passwd", f"../evidence/{name}", name + "/..", ""):
        assert evidence_files.path_for(evil, str(tmp_path)) is None


# ---- through the form, and who may download ------------------------------------------------------

@pytest.fixture()
def world(tree, make_layanan, make_user):
    year = current_period("Asia/Jakarta").year
    lay = make_layanan("bansos", tree["psds"], published=True)
    hidden = make_layanan("internal", tree["psds"], published=False)
    people = (("analis@x.id", "analyst", tree["dayasos"]), ("monitor@x.id", "monitor", tree["dayasos"]),
              ("sibling@x.id", "analyst", tree["rehsos"]))
    for email, role, unit in people:
        make_user(email, role, unit)
    return {**tree, "lay": lay, "hidden": hidden, "year": year}


def _post_action(client, world, layanan, upload, filename):
    url = f"/tindak-lanjut/baru?unit={world['psds'].id}&layanan={layanan.id}&periode={world['year']}"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "unsur": "U9", "problem": "Ruang sempit", "action": "Perluas", "pic": "PPK",
        "status": "selesai", "completed_on": f"{world['year']}-02-01",
        "evidence": (io.BytesIO(upload), filename)})


def test_upload_through_the_form_ignores_the_browsers_name(app, client, world):
    login(client, "analis@x.id")
    reply = _post_action(client, world, world["lay"], _jpeg_with_gps(), "../../../../etc/cron.d/x.jpg")
    assert reply.status_code == 302
    action = db.session.scalar(select(RtlAction))
    assert evidence_files.NAME_RE.match(action.evidence_file)
    assert os.path.isfile(os.path.join(app.instance_path, "evidence", action.evidence_file))
    assert not os.path.exists("/etc/cron.d/x.jpg")
    bad = _post_action(client, world, world["lay"], b"MZ\x90 executable", "laporan.pdf")
    assert bad.status_code == 200 and "Berkas bukan PDF, JPEG atau PNG" in bad.get_data(as_text=True)


def test_who_may_download_evidence(app, client, world):
    analyst = db.session.scalar(select(User).where(User.email == "analis@x.id"))
    period = parse_period(str(world["year"]))
    made = {}
    for key, layanan in (("pub", world["lay"]), ("private", world["hidden"])):
        made[key] = rtl.create_action(analyst, world["psds"], layanan, period, rtl.ActionInput(
            unsur="U9", problem="p", action="a", pic="PPK", status="selesai", completed_on=date(world["year"], 2, 1),
            evidence=blank_pdf()), app.instance_path)
    db.session.commit()
    pub, private = made["pub"].id, made["private"].id

    # the public sees the file of an action shown on the public page, and only that one
    anonymous = app.test_client()
    reply = anonymous.get(f"/hasil/PSDS/bukti/{pub}")
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF") and reply.mimetype == "application/pdf"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.get(f"/hasil/PSDS/bukti/{private}").status_code == 404
    assert anonymous.get(f"/hasil/REHSOS/bukti/{pub}").status_code == 404
    assert anonymous.get(f"/tindak-lanjut/{private}/bukti").status_code in (302, 401)
    assert f"/hasil/PSDS/bukti/{pub}" in anonymous.get("/hasil/PSDS").get_data(as_text=True)

    login(client, "analis@x.id")
    assert client.get(f"/tindak-lanjut/{private}/bukti").status_code == 200
    for email, status in (("monitor@x.id", 403), ("sibling@x.id", 404)):
        other = app.test_client()
        login(other, email)
        assert other.get(f"/tindak-lanjut/{private}/bukti").status_code == status

    # deleting the action removes its file
    path = evidence_files.path_for(made["private"].evidence_file, app.instance_path)
    rtl.delete_action(analyst, made["private"], app.instance_path)
    db.session.commit()
    assert not os.path.exists(path)


# ---- files follow the transaction ------------------------------------------------------------------
# The database row and the file on disk change together: an old file goes only once the change that
# dropped it is committed, and a new file whose transaction does not commit is not left behind.

def _action_with_evidence(app, world):
    analyst = db.session.scalar(select(User).where(User.email == "analis@x.id"))
    period = parse_period(str(world["year"]))
    data = rtl.ActionInput(unsur="U9", problem="p", action="a", pic="PPK", status="selesai",
                           completed_on=date(world["year"], 2, 1), evidence=blank_pdf())
    action = rtl.create_action(analyst, world["psds"], world["lay"], period, data, app.instance_path)
    db.session.commit()
    return analyst, action, data


def _evidence_names(app) -> set[str]:
    folder = os.path.join(app.instance_path, "evidence")
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def _commit_fails():
    """The commit fails, as a lost connection or a constraint checked at COMMIT would, and the caller rolls back."""
    from sqlalchemy import event

    from app.core import transaction

    def refuse(session):
        raise RuntimeError("database went away")

    event.listen(db.session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            transaction.commit()
    finally:
        event.remove(db.session, "before_commit", refuse)
    transaction.rollback()


@pytest.mark.parametrize("change", ["replace", "remove", "delete"])
def test_a_failed_commit_keeps_the_old_evidence(app, world, change):
    analyst, action, data = _action_with_evidence(app, world)
    action_id, old = action.id, action.evidence_file
    before = _evidence_names(app)
    if change == "replace":
        rtl.update_action(analyst, action, rtl.ActionInput(**{**vars(data), "evidence": _png()}), app.instance_path)
    elif change == "remove":
        rtl.update_action(analyst, action, rtl.ActionInput(**{**vars(data), "evidence": None,
                                                              "remove_evidence": True}), app.instance_path)
    else:
        rtl.delete_action(analyst, action, app.instance_path)
    _commit_fails()
    assert db.session.get(RtlAction, action_id).evidence_file == old
    assert evidence_files.path_for(old, app.instance_path), "the row still names the old file, so it must stay"
    assert _evidence_names(app) == before, "a new file whose row was never committed is not left behind"


def test_a_committed_replacement_removes_the_old_evidence(app, world):
    analyst, action, data = _action_with_evidence(app, world)
    old, before = action.evidence_file, _evidence_names(app)
    rtl.update_action(analyst, action, rtl.ActionInput(**{**vars(data), "evidence": _png()}), app.instance_path)
    assert evidence_files.path_for(old, app.instance_path), "kept until the commit"
    db.session.commit()
    assert evidence_files.path_for(old, app.instance_path) is None
    assert _evidence_names(app) == before - {old} | {action.evidence_file} and action.evidence_file.endswith(".png")


def test_a_failed_commit_keeps_a_deleted_publications_evidence(app, world):
    from app.followup import publication
    from app.models import PublicationRecord

    analyst = db.session.scalar(select(User).where(User.email == "analis@x.id"))
    period = parse_period(str(world["year"]))
    record = publication.add_record(analyst, world["psds"].id, period, publication.RecordInput(
        "papan", date(world["year"], 1, 2), evidence=blank_pdf()), app.instance_path)
    db.session.commit()
    record_id, name = record.id, record.evidence_file
    publication.delete_record(analyst, record, app.instance_path)
    _commit_fails()
    assert db.session.get(PublicationRecord, record_id).evidence_file == name
    assert evidence_files.path_for(name, app.instance_path)
