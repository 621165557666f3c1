"""Issue 9, "Writes outside the user's scope": every import upsert checks that the stored row it
would update lies inside the importer's scope; otherwise a row error ("di luar wewenang") and nothing moves."""
import io
import json
import uuid

from sqlalchemy import select

from app.extensions import db
from app.indicators import loader as indicator_loader
from app.models import IncomeSample, Indicator, Kpm, Layanan, SkmResponse
from app.skm import imports as skm_import
from tests.helpers import csrf_from
from tests.monitoring_fixtures import JSON, as_user, income_payload

HEADER = ("nik,program,unit,kabkota,cohort_year,intervention_date,monitoring_date,household_size,measure,"
          "income_before,income_after,business_status")
NIK = "3273010101907766"


def _row(unit: str, after: int, nik: str = NIK, instance_id: str | None = None) -> str:
    row = f"{nik},PENA,{unit},32.73,2024,2024-01-15,2024-06-10,4,laba,1000000,{after},berjalan"
    return row + (f",{instance_id}" if instance_id is not None else "")


def _import(client, csv_text: str):
    token = csrf_from(client.get("/pantau/admin/impor").get_data(as_text=True))
    return client.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "income",
                                                    "file": (io.BytesIO(csv_text.encode()), "i.csv")},
                       content_type="multipart/form-data")


def _setjen_admin(app, field, make_unit, make_user):
    setjen = make_unit("SETJEN", parent=field["tree"]["root"])
    make_user("admin.setjen@x.id", "admin", setjen)
    return setjen


def test_sibling_admin_cannot_move_another_units_income_sample(app, field, make_unit, make_user):
    setjen = _setjen_admin(app, field, make_unit, make_user)
    root = as_user(app, "admin@x.id")
    assert _import(root, f"{HEADER}\n{_row('DAYASOS', 2_000_000)}\n").status_code == 200
    sample = db.session.scalar(select(IncomeSample))
    dayasos_id = field["tree"]["dayasos"].id
    assert sample.unit_id == dayasos_id and sample.income_after == 2_000_000

    res = _import(as_user(app, "admin.setjen@x.id"), f"{HEADER}\n{_row('SETJEN', 1)}\n")
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert "di luar wewenang" in page and "Tidak ada yang disimpan" in page
    db.session.expire_all()
    sample = db.session.scalar(select(IncomeSample))
    assert (sample.unit_id, sample.income_after) == (dayasos_id, 2_000_000)
    assert db.session.scalar(select(IncomeSample).where(IncomeSample.unit_id == setjen.id)) is None


def test_import_with_the_instance_id_of_a_web_sample_neither_moves_it_nor_replaces_its_kpm(
        app, field, make_unit, make_user):
    _setjen_admin(app, field, make_unit, make_user)
    monitor = as_user(app, "mona@x.id")
    data = income_payload(monitor, nik="3273010101900001")
    assert monitor.post("/pantau/pendapatan/catat", data=data, headers=JSON).status_code == 201
    web = db.session.scalar(select(IncomeSample))
    kpm_id, unit_id = web.kpm_id, web.unit_id
    header = HEADER + ",instance_id"

    setjen_file = f"{header}\n{_row('SETJEN', 1, instance_id=data['instance_id'])}\n"
    res = _import(as_user(app, "admin.setjen@x.id"), setjen_file)
    assert res.status_code == 422 and "di luar wewenang" in res.get_data(as_text=True)
    # Even the root admin, whose scope covers it, cannot overwrite a web sample or swap its KPM by import.
    res = _import(as_user(app, "admin@x.id"), f"{header}\n{_row('DAYASOS', 1, instance_id=data['instance_id'])}\n")
    assert res.status_code == 422 and "formulir" in res.get_data(as_text=True)
    db.session.expire_all()
    web = db.session.scalar(select(IncomeSample))
    assert (web.kpm_id, web.unit_id, web.income_after, web.source) == (kpm_id, unit_id, 1_500_000, "web")
    assert db.session.scalar(select(Kpm.id).where(Kpm.nik_last4 == "7766")) is None


def test_reimport_cannot_swap_the_kpm_of_an_imported_sample(app, field):
    header = HEADER + ",instance_id"
    given = str(uuid.uuid4())
    root = as_user(app, "admin@x.id")
    assert _import(root, f"{header}\n{_row('DAYASOS', 2_000_000, instance_id=given)}\n").status_code == 200
    other = "3273010101901234"
    res = _import(root, f"{header}\n{_row('DAYASOS', 5, nik=other, instance_id=given)}\n")
    assert res.status_code == 422 and "KPM lain" in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(IncomeSample.income_after)) == 2_000_000
    # the same file again (same KPM) still updates in place
    assert _import(root, f"{header}\n{_row('DAYASOS', 2_500_000, instance_id=given)}\n").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(IncomeSample.income_after)) == 2_500_000


def test_pendamping_import_cannot_take_over_another_units_identifier(app, field, make_unit, make_user):
    _setjen_admin(app, field, make_unit, make_user)
    token_client = as_user(app, "admin.setjen@x.id")
    token = csrf_from(token_client.get("/pantau/admin/impor").get_data(as_text=True))
    csv_text = "identifier,name,type,unit,kabkota\nPKH-001,Orang Lain,PKH,SETJEN,32.73\n"
    res = token_client.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "pendamping",
                                                         "file": (io.BytesIO(csv_text.encode()), "p.csv")},
                            content_type="multipart/form-data")
    assert res.status_code == 422 and "di luar wewenang" in res.get_data(as_text=True)
    pend = field["pendamping"]["PKH-001"]
    db.session.refresh(pend)
    assert (pend.name, pend.unit_id) == ("Siti", field["tree"]["dayasos"].id)


def test_indicator_loader_refuses_units_and_layanan_outside_scope(app, field, make_layanan):
    tree = field["tree"]
    make_layanan("rehsos-layanan", tree["rehsos"])
    allowed = {tree["dayasos"].id, tree["psds"].id}
    items = [{"unit": "REHSOS", "code": "IKU-1", "name": "x", "source": "manual"},
             {"unit": "DAYASOS", "code": "IKU-2", "name": "y", "source": "skm", "layanan": ["rehsos-layanan"]}]
    try:
        indicator_loader.load(json.loads(json.dumps(items)), allowed_unit_ids=allowed)
    except indicator_loader.IndicatorLoadError as err:
        assert any("REHSOS" in e and "di luar wewenang" in e for e in err.errors), err.errors
        assert any("rehsos-layanan" in e for e in err.errors), err.errors
    else:
        raise AssertionError("load outside scope was accepted")
    assert db.session.scalar(select(Indicator.id)) is None
    assert indicator_loader.load(items[:1])[0] == 1  # the CLI (no scope) may


def test_skm_import_refuses_an_instance_id_of_another_layanans_response(app, field, make_layanan):
    tree = field["tree"]
    ours = make_layanan("ours", tree["dayasos"])
    theirs = make_layanan("theirs", tree["rehsos"])
    given = str(uuid.uuid4())
    head = "tanggal,u1,u2,u3,u4,u5,u6,u7,u8,u9,instance_id\n"
    skm_import.import_csv(io.StringIO(head + f"2025-01-10,4,4,4,4,4,4,4,4,4,{given}\n"), theirs)
    try:
        skm_import.import_csv(io.StringIO(head + f"2025-01-10,1,1,1,1,1,1,1,1,1,{given}\n"), ours)
    except skm_import.SkmImportError as err:
        assert any("instance_id" in e and "di luar wewenang" in e for e in err.errors), err.errors
    else:
        raise AssertionError("an instance_id of another layanan was accepted")
    response = db.session.scalar(select(SkmResponse))
    assert response.layanan_id == theirs.id and response.u1 == 4
    assert db.session.scalar(select(Layanan.id).where(Layanan.slug == "ours")) == ours.id
