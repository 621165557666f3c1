"""Admin pages: CRUD works inside the admin's subtree and nowhere else."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Layanan, Unit, User
from tests.helpers import csrf_from, login


def _post_form(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_root_admin_creates_layanan_and_user_and_deactivates_user(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")

    response = _post_form(client, "/admin/layanan/new", {
        "name": "Izin UGB", "slug": "izin-ugb", "unit_id": tree["psds"].id, "active": "y"})
    assert response.status_code == 302
    layanan = db.session.scalar(select(Layanan).where(Layanan.slug == "izin-ugb"))
    assert layanan.unit_id == tree["psds"].id and layanan.active

    response = _post_form(client, "/admin/users/new", {
        "email": "Baru@X.id", "name": "Baru", "role": "monitor", "unit_id": tree["dayasos"].id,
        "region_id": 0, "password": "sandi-baru-12345", "active": "y"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "baru@x.id"))
    assert user.role == "monitor" and user.check_password("sandi-baru-12345")

    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.entity) for e in events] == [
        ("create", "layanan"), ("create", "user_account"), ("deactivate", "user_account")]
    assert events[-1].before["active"] is True and events[-1].after["active"] is False
    assert "password_hash" not in events[1].after


def test_create_unit_under_own_subtree(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["dayasos"])
    login(client, "admin@x.id")
    response = _post_form(client, "/admin/units/new", {
        "code": "pkat-ks", "name": "Direktorat PKAT-KS", "level": "direktorat",
        "parent_id": tree["dayasos"].id, "timezone": "Asia/Makassar", "active": "y"})
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.code == "PKAT-KS"))
    assert unit.parent_id == tree["dayasos"].id and unit.timezone == "Asia/Makassar"


def test_validation_errors_are_shown_in_indonesian(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    response = _post_form(client, "/admin/layanan/new", {"name": "", "slug": "Bad Slug!", "unit_id": tree["psds"].id})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Wajib diisi." in body and "huruf kecil" in body


def test_duplicate_slug_is_refused(client, tree, make_user, make_layanan):
    make_user("admin@x.id", "admin", tree["root"])
    make_layanan("izin-ugb", tree["psds"])
    login(client, "admin@x.id")
    response = _post_form(client, "/admin/layanan/new",
                          {"name": "Lain", "slug": "izin-ugb", "unit_id": tree["psds"].id})
    assert response.status_code == 400
    assert "Slug sudah dipakai" in response.get_data(as_text=True)


def test_analyst_is_forbidden_from_admin_pages(client, tree, make_user, make_layanan):
    make_user("an@x.id", "analyst", tree["dayasos"])
    other = make_layanan("rehab", tree["rehsos"])
    own = make_layanan("ugb", tree["psds"])
    login(client, "an@x.id")
    for path in ("/admin/units", "/admin/users", f"/admin/layanan/{other.id}", f"/admin/layanan/{own.id}"):
        assert client.get(path).status_code == 403, path


def test_admin_of_one_unit_cannot_see_or_change_another_units_records(client, tree, make_user, make_layanan):
    make_user("admin@x.id", "admin", tree["dayasos"])
    outsider = make_user("o@x.id", "analyst", tree["rehsos"])
    other = make_layanan("rehab", tree["rehsos"], name="Layanan Rehab")
    make_layanan("ugb", tree["psds"], name="Layanan UGB")
    login(client, "admin@x.id")

    listing = client.get("/admin/layanan").get_data(as_text=True)
    assert "Layanan UGB" in listing and "Layanan Rehab" not in listing
    assert "o@x.id" not in client.get("/admin/users").get_data(as_text=True)
    assert client.get(f"/admin/layanan/{other.id}").status_code == 404
    assert client.get(f"/admin/users/{outsider.id}").status_code == 404
    assert client.get(f"/admin/units/{tree['rehsos'].id}").status_code == 404

    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post(f"/admin/users/{outsider.id}/deactivate", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/layanan/{other.id}/deactivate", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, outsider.id).active is True


def test_posting_a_unit_outside_scope_fails_validation(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["dayasos"])
    login(client, "admin@x.id")
    response = _post_form(client, "/admin/layanan/new", {"name": "X", "slug": "x", "unit_id": tree["rehsos"].id})
    assert response.status_code == 400
    assert db.session.scalar(select(Layanan).where(Layanan.slug == "x")) is None


def test_unit_cannot_be_moved_under_its_own_descendant(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    url = f"/admin/units/{tree['dayasos'].id}"
    response = _post_form(client, url, {"code": "DAYASOS", "name": "Dayasos", "level": "eselon1",
                                        "parent_id": tree["psds"].id, "timezone": "Asia/Jakarta", "active": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Unit, tree["dayasos"].id).parent_id == tree["root"].id


def test_admin_cannot_deactivate_self(client, tree, make_user):
    me = make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    client.post(f"/admin/users/{me.id}/deactivate", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, me.id).active is True


def test_deactivated_user_is_logged_out_on_next_request(client, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    assert client.get("/beranda").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/beranda").status_code == 302


def _input_tag(html: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


def test_new_record_forms_default_to_active_and_least_privilege(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    user_form = client.get("/admin/users/new").get_data(as_text=True)
    assert "checked" in _input_tag(user_form, "active")
    assert re.search(r'<option selected value="monitor">', user_form)
    layanan_form = client.get("/admin/layanan/new").get_data(as_text=True)
    assert "checked" in _input_tag(layanan_form, "active")
    assert "checked" not in _input_tag(layanan_form, "published")
