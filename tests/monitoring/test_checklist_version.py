"""Issue 9: the server picks the checklist version in force for the pendamping's type; a posted
checklist_version_id (web form or offline-queue JSON) is accepted only when it is that one."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ChecklistCriterion, ChecklistVersion, PendampingCheck
from tests.monitoring_fixtures import JSON, as_user, check_payload, ptype


@pytest.fixture()
def versions(field):
    old = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.type_id == ptype("PKH").id))
    old.active = False
    new = ChecklistVersion(type_id=old.type_id, version=2, active=True)
    for order, code in enumerate(("K1", "K2", "K3", "K4"), start=1):
        new.criteria.append(ChecklistCriterion(code=code, text=f"Kriteria {code}", mandatory=True, sort_order=order))
    db.session.add(new)
    db.session.commit()
    return old, new


def _count() -> int:
    return db.session.scalar(select(func.count(PendampingCheck.id)))


def test_an_inactive_posted_version_is_refused(app, field, versions):
    old, new = versions
    monitor = as_user(app, "mona@x.id")
    data = check_payload(monitor, field["pendamping"]["PKH-001"], checklist_version_id=str(old.id))
    res = monitor.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert res.status_code == 422, res.get_data(as_text=True)
    assert "versi 2" in res.get_json()["errors"]["checklist_version_id"][0]
    html = monitor.post("/pantau/pendamping/catat?jenis=PKH", data=data)
    assert html.status_code == 422 and "sudah diperbarui" in html.get_data(as_text=True)
    assert _count() == 0


@pytest.mark.parametrize("posted", ["²", "٣", "99999999999999999999999", "1 OR 1=1"])
def test_a_malformed_posted_version_is_a_422_not_a_500(app, field, versions, posted):
    monitor = as_user(app, "mona@x.id")
    data = check_payload(monitor, field["pendamping"]["PKH-001"], checklist_version_id=posted, k_K4="ya")
    res = monitor.post("/pantau/pendamping/catat", data=data, headers=JSON)
    assert res.status_code == 422
    assert set(res.get_json()["errors"]) == {"checklist_version_id", "__all__"}
    assert _count() == 0


def test_the_version_in_force_is_used_whether_posted_or_not(app, field, versions):
    _, new = versions
    monitor = as_user(app, "mona@x.id")
    posted = check_payload(monitor, field["pendamping"]["PKH-001"], checklist_version_id=str(new.id), k_K4="tidak")
    assert monitor.post("/pantau/pendamping/catat", data=posted, headers=JSON).status_code == 201
    absent = check_payload(monitor, field["pendamping"]["PKH-002"], k_K4="ya")
    assert monitor.post("/pantau/pendamping/catat", data=absent, headers=JSON).status_code == 201
    rows = db.session.execute(select(PendampingCheck.checklist_version_id, PendampingCheck.optimal)
                              .order_by(PendampingCheck.id)).all()
    assert rows == [(new.id, False), (new.id, True)]  # judged against version 2's four mandatory criteria
