"""Issue 13, admin pages: level defaults and labels, labels in lists, deactivate asks first and can be undone."""
import re

from sqlalchemy import select

from app.admin.units import level_below
from app.extensions import db
from app.models import AuditEvent, Unit, User
from tests.helpers import csrf_from, login


def test_level_below():
    assert level_below("kementerian") == "eselon1"
    assert level_below("eselon1") == "direktorat"
    assert level_below("satker") == "satker"


def test_new_unit_defaults_to_the_level_below_the_admins_unit_with_proper_labels(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])  # root is a kementerian
    login(client, "admin@x.id")
    html = client.get("/admin/units/new").get_data(as_text=True)
    assert re.search(r'<option selected value="eselon1">Eselon I</option>', html), html
    assert ">Eselon1<" not in html
    assert re.search(rf'<option selected value="{tree["root"].id}">', html)


def test_lists_show_labels_not_codes(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    make_user("analis@x.id", "analyst", tree["dayasos"])
    login(client, "admin@x.id")
    units = client.get("/admin/units").get_data(as_text=True)
    assert "Eselon I" in units and "WIB" in units
    assert ">eselon1<" not in units and "Asia/Jakarta" not in units
    users = client.get("/admin/users").get_data(as_text=True)
    assert ">Analis<" in users and ">analyst<" not in users


def test_deactivate_asks_first_and_can_be_undone(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    other = make_user("mon@x.id", "monitor", tree["dayasos"])
    login(client, "admin@x.id")
    listing = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{other.id}/deactivate"' in listing  # a link to a question, not a one-click POST
    ask = client.get(f"/admin/users/{other.id}/deactivate")
    assert ask.status_code == 200
    page = ask.get_data(as_text=True)
    assert "Nonaktifkan akun mon@x.id?" in page and "Ya, nonaktifkan" in page and "Batal" in page
    db.session.expire_all()
    assert db.session.get(User, other.id).active is True  # asking changes nothing
    client.post(f"/admin/users/{other.id}/deactivate", data={"csrf_token": csrf_from(page)})
    db.session.expire_all()
    assert db.session.get(User, other.id).active is False
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "Aktifkan lagi" in listing
    res = client.post(f"/admin/users/{other.id}/activate", data={"csrf_token": csrf_from(listing)})
    assert res.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, other.id).active is True
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["deactivate", "activate"]


def test_activate_is_scoped(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["dayasos"])
    login(client, "admin@x.id")
    other = db.session.scalar(select(Unit).where(Unit.code == "REHSOS"))
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post(f"/admin/units/{other.id}/activate", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/admin/units/{other.id}/deactivate").status_code == 404
