"""Issue 9, "NIK": only the ASCII digits 0-9 make a NIK (full-width and Arabic-Indic digits would create a
second identity for the same person), and no message ever echoes a full NIK."""
import io

import pytest
from sqlalchemy import func, select

from app.core import nik as nik_service
from app.extensions import db
from app.models import IncomeSample, Kpm
from app.monitoring import income_import
from tests.helpers import csrf_from
from tests.monitoring_fixtures import JSON, as_user, income_payload

ASCII = "3273010101900001"
FULL_WIDTH = "３２７３０１０１０１９００００１"
ARABIC_INDIC = "٣٢٧٣٠١٠١٠١٩٠٠٠٠١"
EXTENDED_ARABIC = "۳۲۷۳۰۱۰۱۰۱۹۰۰۰۰۱"
HEADER = ("nik,program,unit,kabkota,cohort_year,intervention_date,monitoring_date,household_size,measure,"
          "income_before,income_after,business_status\n")


@pytest.mark.parametrize("raw", [FULL_WIDTH, ARABIC_INDIC, EXTENDED_ARABIC, "３273010101900001", ASCII + "\n1"])
def test_non_ascii_digits_are_not_a_nik(raw):
    assert nik_service.normalise(raw) is None
    assert nik_service.normalise("3273 0101.0190-0001") == ASCII


@pytest.mark.parametrize("raw", [FULL_WIDTH, ARABIC_INDIC])
def test_web_and_offline_queue_refuse_unicode_digit_niks(app, field, raw):
    monitor = as_user(app, "mona@x.id")
    assert monitor.post("/pantau/pendapatan/catat", data=income_payload(monitor, nik=ASCII),
                        headers=JSON).status_code == 201
    res = monitor.post("/pantau/pendapatan/catat", data=income_payload(monitor, nik=raw, monitoring="2025-05-15"),
                       headers=JSON)
    assert res.status_code == 422 and "nik" in res.get_json()["errors"]
    assert db.session.scalar(select(func.count(Kpm.id))) == 1
    assert db.session.scalar(select(func.count(IncomeSample.id))) == 1


@pytest.mark.parametrize("raw", [FULL_WIDTH, ARABIC_INDIC])
def test_import_refuses_unicode_digit_niks_without_echoing_them(field, raw):
    row = f"{raw},PENA,DAYASOS,32.73,2025,2025-01-15,2025-04-15,4,laba,1,2,berjalan\n"
    report = income_import.import_file(io.BytesIO((HEADER + row).encode()), "i.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "nik")]
    assert raw not in str(report.errors[0])
    assert db.session.scalar(select(func.count(Kpm.id))) == 0


def test_a_shifted_import_column_never_echoes_the_nik(app, field, tmp_path):
    # An extra leading column pushes the NIK into "program": today that printed "program '3273…' tidak dikenal".
    shifted = "x," + ASCII + ",DAYASOS,32.73,2025,2025-01-15,2025-04-15,4,laba,1,2,berjalan\n"
    report = income_import.import_file(io.BytesIO((HEADER + shifted).encode()), "i.csv")
    program_errors = [str(e) for e in report.errors if e.column == "program"]
    assert program_errors == ["Baris 2, kolom program: program '************0001' tidak dikenal."]
    assert all(ASCII not in str(e) for e in report.errors)

    path = tmp_path / "i.csv"
    path.write_text(HEADER + shifted)
    result = app.test_cli_runner().invoke(args=["import-income", str(path)])
    assert result.exit_code == 1 and ASCII not in result.output and "************0001" in result.output

    admin = as_user(app, "admin@x.id")
    token = csrf_from(admin.get("/pantau/admin/impor").get_data(as_text=True))
    spaced = "3273 0101 0190 0001"
    content = HEADER + f"x,{spaced},DAYASOS,32.73,2025,2025-01-15,2025-04-15,4,laba,1,2,berjalan\n"
    res = admin.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "income",
                                                  "file": (io.BytesIO(content.encode()), "i.csv")},
                     content_type="multipart/form-data")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and spaced not in page and ASCII not in page and "************0001" in page


def test_redact_masks_nik_like_runs_only():
    assert nik_service.redact(f"a {ASCII} b") == "a ************0001 b"
    assert nik_service.redact(f"{FULL_WIDTH}") == "************０００１"
    assert nik_service.redact("Baris 12, kolom year: maksimal 2100.") == "Baris 12, kolom year: maksimal 2100."
