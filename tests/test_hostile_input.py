"""Issue 9, "Hostile input gets a 4xx, never a 500": one test per reported request.

Each request below answered 500 on the code before the fix (several only on
PostgreSQL: run the file with TEST_DATABASE_URL too). The shared mechanism is
app.core.parsing (NUL guard, bounded ASCII integers, finite decimals, sane dates)
and forms.fields (the WTForms fields built on it); tests/test_fuzz_routes.py
keeps the whole class from coming back.
"""
from __future__ import annotations

import contextlib
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    IncomeSample,
    Indicator,
    IndicatorManualValue,
    IndicatorTarget,
    PendampingCheck,
    SkmResponse,
    Unit,
)
from tests.helpers import csrf_from
from tests.monitoring_fixtures import as_user, check_payload, income_payload
from tests.survey_helpers import payload

HUGE = str(2**64 + 1)  # beyond 64 bits
UNICODE_DIGITS = ("²", "٣")  # both pass str.isdigit()


@pytest.fixture()
def world(field, make_layanan):
    tree = field["tree"]
    layanan = make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)
    indicator = Indicator(unit=tree["dayasos"], code="IKU-1", name="Pendamping optimal", source="manual")
    db.session.add(indicator)
    db.session.commit()
    return {**field, "layanan": layanan, "indicator": indicator}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _client(app, email: str):
    return as_user(app, email)


def _token(client, path: str) -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


# ---- jenis_kelamin of a space, tab or newline --------------------------------------------------

@pytest.mark.parametrize("value", [" ", "\t", "\n"])
def test_jenis_kelamin_whitespace_is_not_a_500(client, world, value):
    response = client.post("/s/izin-ugb", data=payload(world["layanan"].id, jenis_kelamin=value))
    assert response.status_code in (303, 422)
    stored = db.session.scalars(select(SkmResponse.jenis_kelamin)).all()
    assert all(v in (None, "L", "P") for v in stored)


# ---- NUL bytes ----------------------------------------------------------------------------------

def test_nul_in_kritik_saran_is_400(client, world):
    response = client.post("/s/izin-ugb", data=payload(world["layanan"].id, kritik_saran="ok\x00x"))
    assert response.status_code == 400 and _count(SkmResponse) == 0
    assert "Permintaan tidak valid" in response.get_data(as_text=True)


def test_nul_in_login_email_is_400(client, world):
    token = _token(client, "/login")
    response = client.post("/login", data={"email": "a\x00@x.id", "password": "x" * 12, "csrf_token": token})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/s/izin%00ugb", "/s/%00", "/hasil/DAYA%00SOS", "/hasil/%00"])
def test_nul_in_path_segment_is_400(client, world, path):
    assert client.get(path).status_code == 400


def test_nul_in_filters_is_400(app, world):
    admin = _client(app, "admin@x.id")
    for path in ("/pantau/pendamping?jenis=PKH%00", "/pantau/pendapatan?program=%00",
                 "/pantau/pendamping?periode=2025%00", "/laporan/?region=32%00", "/laporan/?period=%00",
                 "/laporan/ikm.csv?period=2025%00", "/indikator/?revisi=%00", "/pantau/pendamping?%00=1"):
        assert admin.get(path).status_code == 400, path
    assert _client(app, "mona@x.id").get("/pantau/pendamping/catat?jenis=%00").status_code == 400


def test_nul_in_admin_field_is_400(app, world):
    admin = _client(app, "admin@x.id")
    token = _token(admin, "/admin/units/new")
    response = admin.post("/admin/units/new", data={
        "csrf_token": token, "code": "BARU", "name": "Unit\x00baru", "level": "eselon1",
        "parent_id": str(world["tree"]["root"].id), "timezone": "Asia/Jakarta", "active": "y"})
    assert response.status_code == 400
    assert db.session.scalar(select(Unit).where(Unit.code == "BARU")) is None


def test_nul_in_form_field_name_is_400(client, world):
    data = payload(world["layanan"].id)
    data["x\x00"] = "1"
    assert client.post("/s/izin-ugb", data=data).status_code == 400


# ---- ?wilayah=4 for a monitor with a region (a CTE name collision) -----------------------------

@pytest.mark.parametrize("path", ["/pantau/pendamping", "/pantau/pendapatan"])
def test_region_filter_for_monitor_with_region(app, world, path):
    monitor = _client(app, "mona@x.id")
    # Record one check so the list has something to filter.
    monitor.post("/pantau/pendamping/catat", data=check_payload(monitor, world["pendamping"]["PKH-001"]))
    from tests.monitoring_fixtures import region

    west_java = region("32").id
    response = monitor.get(f"{path}?wilayah={west_java}")
    assert response.status_code == 200
    assert monitor.get(f"{path}?wilayah=4").status_code == 200
    if path.endswith("pendamping"):
        assert "PKH-001" in response.get_data(as_text=True) or "Siti" in response.get_data(as_text=True)
        elsewhere = monitor.get(f"{path}?wilayah={region('53').id}").get_data(as_text=True)
        assert "Siti" not in elsewhere


# ---- Unicode digits that pass str.isdigit() -----------------------------------------------------

def test_unicode_digits_in_query_are_not_a_500(app, world):
    """Ignored like any unreadable filter (200), or refused (400, 404); never read as a number."""
    admin = _client(app, "admin@x.id")
    for digit in UNICODE_DIGITS:
        for query in ("/laporan/?unit={d}", "/laporan/?layanan={d}", "/laporan/ikm.json?unit={d}",
                      "/pantau/pendamping?wilayah={d}", "/pantau/pendapatan?wilayah={d}",
                      "/pantau/pendamping?hal={d}", "/pantau/pendapatan?hal={d}"):
            response = admin.get(query.format(d=digit))
            assert response.status_code in (200, 400, 404), (query, digit)
        assert admin.get(f"/indikator/?year={digit}").status_code == 400
        assert admin.get(f"/indikator/?year=202{digit}").status_code == 400
        assert admin.get(f"/admin/units/{digit}").status_code == 404


def test_unicode_digits_in_checklist_version_id(app, world):
    monitor = _client(app, "mona@x.id")
    for digit, ident in zip(UNICODE_DIGITS, ("PKH-001", "PKH-002"), strict=True):
        data = check_payload(monitor, world["pendamping"][ident], checklist_version_id=digit)
        response = monitor.post("/pantau/pendamping/catat", data=data)
        assert response.status_code < 500
    stored = db.session.scalars(select(PendampingCheck)).all()
    assert all(r.checklist_version.active for r in stored)


def test_unicode_digits_in_ids_are_refused_not_aliased(app, world):
    monitor = _client(app, "mona@x.id")
    for digit in UNICODE_DIGITS:
        data = check_payload(monitor, world["pendamping"]["PKH-001"], pendamping_id=digit)
        response = monitor.post("/pantau/pendamping/catat", data=data)
        assert 400 <= response.status_code < 500 and _count(PendampingCheck) == 0, digit


# ---- integers beyond 64 bits ----------------------------------------------------------------------

def test_huge_ids_are_404_or_ignored(app, world):
    admin = _client(app, "admin@x.id")
    for path in (f"/pantau/pendamping/{HUGE}", f"/pantau/pendapatan/{HUGE}", f"/admin/units/{HUGE}",
                 f"/admin/users/{HUGE}", f"/indikator/{HUGE}", f"/admin/layanan/{HUGE}/qr.png",
                 f"/pantau/admin/jenis/{HUGE}/daftar-periksa", f"/admin/units/{2**31}"):
        assert admin.get(path).status_code == 404, path
    for path in (f"/laporan/?unit={HUGE}", f"/laporan/?layanan={HUGE}", f"/pantau/pendamping?wilayah={HUGE}",
                 f"/pantau/pendamping?hal={HUGE}"):
        assert admin.get(path).status_code in (200, 400), path


def test_huge_pendamping_id_on_post_is_4xx(app, world):
    monitor = _client(app, "mona@x.id")
    data = check_payload(monitor, world["pendamping"]["PKH-001"], pendamping_id=HUGE)
    response = monitor.post("/pantau/pendamping/catat", data=data)
    assert 400 <= response.status_code < 500 and _count(PendampingCheck) == 0


def test_huge_income_after_is_422(app, world):
    monitor = _client(app, "mona@x.id")
    data = income_payload(monitor, after=HUGE, confirm_large="y")
    response = monitor.post("/pantau/pendapatan/catat", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 422 and "income_after" in response.json["errors"]
    assert _count(IncomeSample) == 0


def test_huge_manual_value_is_400(app, world):
    admin = _client(app, "admin@x.id")
    url = f"/indikator/{world['indicator'].id}"
    for name in ("n", "t", "population"):
        data = {"csrf_token": _token(admin, url), "year": "2024", "n": "1", "t": "2", "note": "sumber"}
        data[name] = HUGE
        response = admin.post(f"{url}/nilai", data=data)
        assert response.status_code == 400 and _count(IndicatorManualValue) == 0, name


# ---- Infinity, 1e999 and NaN as indicator target or value ----------------------------------------

NON_FINITE = ("Infinity", "-Infinity", "1e999", "NaN", "inf", "sNaN")


def test_non_finite_target_and_value_are_400_and_page_survives(app, world):
    admin = _client(app, "admin@x.id")
    url = f"/indikator/{world['indicator'].id}"
    for value in NON_FINITE:
        target = admin.post(f"{url}/target", data={"csrf_token": _token(admin, url), "year": "2024",
                                                    "revision": "PK", "effective_date": "2024-01-15",
                                                    "value": value})
        manual = admin.post(f"{url}/nilai", data={"csrf_token": _token(admin, url), "year": "2024",
                                                  "value": value, "note": "sumber"})
        assert (target.status_code, manual.status_code) == (400, 400), value
        assert _count(IndicatorTarget) == 0 and _count(IndicatorManualValue) == 0
        assert admin.get(f"{url}?year=2024").status_code == 200


def test_non_finite_target_on_check_is_400(app, world):
    analyst = _client(app, "analis@x.id")
    for value in NON_FINITE:
        response = analyst.post("/indikator/cek", data={"csrf_token": _token(analyst, "/indikator/cek"), "n": "1",
                                                        "t": "2", "target": value, "polarity": "positive"})
        assert response.status_code == 400, value


def test_non_finite_gps_is_422(app, world):
    monitor = _client(app, "mona@x.id")
    for value in ("nan", "inf", "1e999"):
        data = check_payload(monitor, world["pendamping"]["PKH-001"], latitude=value, longitude="107.6")
        response = monitor.post("/pantau/pendamping/catat", data=data)
        assert response.status_code == 422 and _count(PendampingCheck) == 0, value


def test_decimal_comma_is_read_as_decimal(app, world):
    admin = _client(app, "admin@x.id")
    url = f"/indikator/{world['indicator'].id}"
    response = admin.post(f"{url}/target", data={"csrf_token": _token(admin, url), "year": "2024",
                                                  "revision": "PK", "effective_date": "2024-01-15",
                                                  "value": "89,19"})
    assert response.status_code == 302
    assert db.session.scalar(select(IndicatorTarget.value)) == pytest.approx(89.19)


# ---- a 400-digit n on /indikator/cek --------------------------------------------------------------

def test_400_digit_n_on_check_is_400(app, world):
    analyst = _client(app, "analis@x.id")
    response = analyst.post("/indikator/cek", data={"csrf_token": _token(analyst, "/indikator/cek"),
                                                    "n": "9" * 400, "t": "2", "polarity": "positive"})
    assert response.status_code == 400
    assert "terlalu besar" in response.get_data(as_text=True).lower()


# ---- reserved names in the query string --------------------------------------------------------------

def test_reserved_query_names_do_not_collide_with_url_for(app, world):
    admin = _client(app, "admin@x.id")
    for query in ("fmt=x", "endpoint=x", "_method=POST", "_external=1", "_scheme=http", "_anchor=x", "values=x"):
        for path in ("/laporan/", "/pantau/pendamping", "/pantau/pendapatan"):
            response = admin.get(f"{path}?{query}&hal=2")
            assert response.status_code == 200, (path, query)
            if path == "/laporan/":  # the export links carry the query as query, not as url_for arguments
                html = response.get_data(as_text=True)
                assert "/laporan/ikm.pdf?" in html and f"{query.split('=')[0]}=" in html


def test_reserved_query_names_on_paginated_list(app, world):
    from app.monitoring import routes as field_bp

    monitor = _client(app, "mona@x.id")
    for ident in ("PKH-001", "PKH-002"):
        monitor.post("/pantau/pendamping/catat", data=check_payload(monitor, world["pendamping"][ident]))
    original = field_bp.PAGE_SIZE
    field_bp.PAGE_SIZE = 1
    try:
        response = monitor.get("/pantau/pendamping?endpoint=x&fmt=y&_method=POST&hal=1")
    finally:
        field_bp.PAGE_SIZE = original
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "hal=2" in html and "endpoint=x" in html


# ---- the 500 handler rolls the session back -------------------------------------------------------

def test_500_handler_rolls_back_so_the_error_page_renders(database_url, world):
    """A failed statement leaves PostgreSQL's transaction aborted; the error page still renders."""
    from sqlalchemy import text

    from app import create_app

    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "SQLALCHEMY_DATABASE_URI": database_url,
                        "RATELIMIT_STORAGE_URI": "local://", "NIK_HMAC_KEY": "test-nik-key",
                        "PROPAGATE_EXCEPTIONS": False})

    @other.get("/_rusak")
    def _broken():
        db.session.commit()  # expires the signed-in user, so the error page must reload it
        db.session.add(Unit(code="DAYASOS", name="Duplikat", level="eselon1"))
        db.session.flush()  # IntegrityError: the session now needs a rollback
        return "tidak sampai"

    @other.get("/_rusak-transaksi")
    def _broken_transaction():
        db.session.commit()
        with contextlib.suppress(Exception):  # leave the transaction aborted, as a careless route would
            db.session.execute(text("SELECT * FROM tabel_yang_tidak_ada"))
        return str(1 / 0)

    with other.app_context():
        client = other.test_client()
        from tests.helpers import login

        login(client, "admin@x.id")
        for path in ("/_rusak", "/_rusak-transaksi"):
            response = client.get(path)
            assert response.status_code == 500
            assert "Terjadi kesalahan" in response.get_data(as_text=True)
        db.session.remove()


# ---- ids in forms that the income form reads --------------------------------------------------------

def test_unicode_digit_instance_program_is_refused(app, world):
    monitor = _client(app, "mona@x.id")
    data = income_payload(monitor, program_id="٣", region_id="²", cohort_year="２０２５")
    data["instance_id"] = str(uuid.uuid4())
    response = monitor.post("/pantau/pendapatan/catat", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 422 and _count(IncomeSample) == 0


# ---- the shared parsers -----------------------------------------------------------------------

def test_parsers_accept_only_what_a_person_types():
    from datetime import date
    from decimal import Decimal

    from app.core.parsing import MAX_INT, parse_date, parse_decimal, parse_int
    from app.core.periods import parse_period

    assert parse_int(" 42 ") == 42 and parse_int("-3", -5) == -3 and parse_int(str(MAX_INT)) == MAX_INT
    for bad in ("²", "٣", "１２", "4_2", "0x10", "", " ", "1e3", "+1", str(MAX_INT + 1), "9" * 400, "a\x00"):
        with pytest.raises(ValueError):
            parse_int(bad)
    assert parse_decimal("89,19") == Decimal("89.19") and parse_decimal("-0.5") == Decimal("-0.5")
    for bad in ("NaN", "Infinity", "-inf", "1e999", "1E5", "٣", "1.2.3", "1" * 16, "sNaN"):
        with pytest.raises(ValueError):
            parse_decimal(bad)
    assert parse_date("2025-02-28") == date(2025, 2, 28)
    for bad in ("2025-02-30", "9999-12-31", "0001-01-01", "٢٠٢٥-01-01", "2025-1-1", "20250101"):
        with pytest.raises(ValueError):
            parse_date(bad)
    for bad in ("٢٠٢٥", "2025-٠٣", "２０２５"):  # a period is ASCII digits too
        with pytest.raises(ValueError):
            parse_period(bad)


@pytest.mark.parametrize("cell", ["٣", "²", "３", "1" * 25])
def test_import_cells_take_ascii_digits_only(cell):
    """Issue 9: numbers and dates in import cells are ASCII only, like every other input (int("٣") is 3)."""
    from app.core import tabular

    number, error = tabular.parse_int(cell, 0)
    assert number is None and error == "harus bilangan bulat tanpa titik atau koma."
    day, error = tabular.parse_date("٢٠٢٤-٠٦-١٠")
    assert day is None and "tanggal tidak valid" in error
    assert tabular.parse_int(" 42 ", 0) == (42, None) and tabular.parse_date("2024-06-10")[0] is not None
