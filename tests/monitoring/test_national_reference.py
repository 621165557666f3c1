"""Issue 9: pendamping types, checklist versions, income programmes, poverty lines and UMK are national
references; only admins of the root unit change them, others get 403 (web pages and the import page).
Respondent categories already worked this way and share the same rule (app.core.reference_authority)."""
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ChecklistVersion, IncomeProgram, PendampingType, PovertyLine, Umk
from tests.helpers import csrf_from
from tests.monitoring_fixtures import as_user, ptype, region


@pytest.fixture()
def sub_admin(app, field, make_user):
    make_user("admin.dayasos@x.id", "admin", field["tree"]["dayasos"])
    return as_user(app, "admin.dayasos@x.id")


def _token(client, path="/pantau/admin/impor") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def _versions() -> int:
    return db.session.scalar(select(func.count(ChecklistVersion.id)).where(ChecklistVersion.type_id == ptype().id))


def test_sub_unit_admin_cannot_create_a_checklist_version(sub_admin, app):
    token = _token(sub_admin)
    url = f"/pantau/admin/jenis/{ptype().id}/daftar-periksa"
    assert sub_admin.get(url).status_code == 403
    res = sub_admin.post(url, data={"csrf_token": token, "criteria": "K1 | Cukup hadir | wajib"})
    assert res.status_code == 403
    assert _versions() == 1 and db.session.scalar(select(ChecklistVersion.active)) is True
    root = as_user(app, "admin@x.id")
    res = root.post(url, data={"csrf_token": _token(root), "criteria": "K1 | Hadir dan melapor | wajib"})
    assert res.status_code == 302 and _versions() == 2


def test_sub_unit_admin_cannot_set_the_umk_of_a_kota_to_rp1(sub_admin, app):
    db.session.add(Umk(region_id=region("53.71").id, year=2025, amount=2_500_000))
    db.session.commit()
    res = sub_admin.post("/pantau/admin/impor", data={
        "csrf_token": _token(sub_admin), "kind": "umk",
        "file": (io.BytesIO(b"kabkota,year,amount\n53.71,2025,1\n"), "u.csv")}, content_type="multipart/form-data")
    assert res.status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(Umk.amount)) == 2_500_000
    res = sub_admin.post("/pantau/admin/impor", data={
        "csrf_token": _token(sub_admin), "kind": "poverty",
        "file": (io.BytesIO(b"province,period,extreme_line,poverty_line\n53,2025-03,1,1\n"), "g.csv")},
        content_type="multipart/form-data")
    assert res.status_code == 403 and db.session.scalar(select(func.count(PovertyLine.id))) == 0
    root = as_user(app, "admin@x.id")
    res = root.post("/pantau/admin/impor", data={
        "csrf_token": _token(root), "kind": "umk",
        "file": (io.BytesIO(b"kabkota,year,amount\n53.71,2025,2600000\n"), "u.csv")},
        content_type="multipart/form-data")
    assert res.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Umk.amount)) == 2_600_000


def test_sub_unit_admin_cannot_add_types_or_programmes_but_sees_the_lists(sub_admin):
    before = (db.session.scalar(select(func.count(PendampingType.id))),
              db.session.scalar(select(func.count(IncomeProgram.id))))
    for path in ("/pantau/admin/jenis", "/pantau/admin/program"):
        page = sub_admin.get(path)
        assert page.status_code == 200 and "hanya admin unit pusat" in page.get_data(as_text=True)
        res = sub_admin.post(path, data={"csrf_token": _token(sub_admin), "code": "BARU", "name": "Baru"})
        assert res.status_code == 403
    assert before == (db.session.scalar(select(func.count(PendampingType.id))),
                      db.session.scalar(select(func.count(IncomeProgram.id))))


def test_root_admin_adds_types_and_programmes(app, field):
    root = as_user(app, "admin@x.id")
    for path, model in (("/pantau/admin/jenis", PendampingType), ("/pantau/admin/program", IncomeProgram)):
        res = root.post(path, data={"csrf_token": _token(root), "code": "BARU", "name": "Baru"})
        assert res.status_code == 302
        assert db.session.scalar(select(model.id).where(model.code == "BARU")) is not None


def test_service_refuses_a_sub_unit_whatever_the_caller(field):
    from app.core.reference_authority import NationalReferenceLocked
    from app.monitoring import reference_lines_import

    with pytest.raises(NationalReferenceLocked):
        reference_lines_import.import_umk(io.BytesIO(b"kabkota,year,amount\n53.71,2025,1\n"), "u.csv",
                                          actor_unit_id=field["tree"]["psds"].id)
    report = reference_lines_import.import_umk(io.BytesIO(b"kabkota,year,amount\n53.71,2025,1\n"), "u.csv",
                                               actor_unit_id=field["tree"]["root"].id)
    assert report.written and report.created == 1


def test_respondent_categories_keep_the_same_rule(sub_admin, app):
    assert sub_admin.get("/admin/kategori-responden/new").status_code == 403
    assert as_user(app, "admin@x.id").get("/admin/kategori-responden/new").status_code == 200
