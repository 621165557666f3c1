"""Validate-first imports: good, bad, valid rows only, re-import (CSV and XLSX, CLI and admin page)."""
import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, Pendamping, PovertyLine, Umk
from tests.factories import xlsx_bytes
from tests.helpers import csrf_from
from tests.monitoring_fixtures import as_user

PENDAMPING_CSV = """identifier,name,type,unit,kabkota,status,status_date
TKSK-1,Asep,TKSK,DAYASOS,32.73,aktif,
TKSK-2,Euis,Pendamping PKH,DAYASOS,32.04,berhenti,2025-03-01
"""
BAD_ROWS = """TKSK-3,Ujang,TIDAKADA,DAYASOS,32.73,aktif,
TKSK-4,Neng,TKSK,DAYASOS,99.99,berhenti,
"""
INCOME_HEADER = ("nik,program,unit,kabkota,cohort_year,intervention_date,monitoring_date,household_size,measure,"
                 "income_before,income_after,business_status\n")
INCOME_CSV = INCOME_HEADER + (
    "3273010101900001,PENA,DAYASOS,32.73,2025,2025-01-15,2025-04-15,4,laba,1000000,1500000,berjalan\n"
    "3273010101900002,PENA,DAYASOS,32.73,2025,2025-01-15,2025-03-15,4,laba,1000000,900000,berhenti\n"
)


def _run(app, tmp_path, name, content, *args):
    path = tmp_path / name
    path.write_text(content)
    return app.test_cli_runner().invoke(args=[*args, str(path)])


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_pendamping_cli_good_then_reimport_updates_without_duplicates(app, field, tmp_path):
    result = _run(app, tmp_path, "p.csv", PENDAMPING_CSV, "import-pendamping")
    assert result.exit_code == 0, result.output
    assert "2 baru" in result.output
    assert _count(Pendamping) == 5  # 3 from the fixture
    result = _run(app, tmp_path, "p.csv", PENDAMPING_CSV.replace("Asep", "Asep Sunandar"), "import-pendamping")
    assert result.exit_code == 0 and "0 baru, 2 diperbarui" in result.output
    assert _count(Pendamping) == 5
    assert db.session.scalar(select(Pendamping.name).where(Pendamping.identifier == "TKSK-1")) == "Asep Sunandar"


def test_pendamping_cli_bad_rows_write_nothing_and_report_row_and_column(app, field, tmp_path):
    result = _run(app, tmp_path, "p.csv", PENDAMPING_CSV + BAD_ROWS, "import-pendamping")
    assert result.exit_code == 1
    assert "Baris 4, kolom type" in result.output
    assert "Baris 5, kolom kabkota" in result.output and "Baris 5, kolom status_date" in result.output
    assert _count(Pendamping) == 3
    result = _run(app, tmp_path, "p.csv", PENDAMPING_CSV + BAD_ROWS, "import-pendamping", "--valid-only")
    assert result.exit_code == 0 and "2 baru" in result.output and "2 baris dilewati" in result.output
    assert _count(Pendamping) == 5


def test_income_cli_import_flags_eligibility_and_reimport_is_idempotent(app, field, tmp_path):
    result = _run(app, tmp_path, "i.csv", INCOME_CSV, "import-income")
    assert result.exit_code == 0, result.output
    rows = db.session.execute(select(IncomeSample.eligible, IncomeSample.increased, IncomeSample.source)
                              .order_by(IncomeSample.id)).all()
    assert rows == [(True, True, "import"), (False, False, "import")]
    result = _run(app, tmp_path, "i.csv", INCOME_CSV.replace("1500000", "1600000"), "import-income")
    assert "0 baru, 2 diperbarui" in result.output
    assert _count(IncomeSample) == 2
    bad = INCOME_CSV + "32730101,PENA,DAYASOS,32.73,2025,2025-01-15,2025-04-15,4,laba,-5,1,berjalan\n"
    result = _run(app, tmp_path, "i.csv", bad, "import-income")
    assert result.exit_code == 1
    assert "Baris 4, kolom nik" in result.output and "Baris 4, kolom income_before" in result.output
    assert "32730101" not in result.output



def test_admin_page_imports_xlsx_with_valid_rows_only(app, field):
    admin = as_user(app, "admin@x.id")
    token = csrf_from(admin.get("/pantau/admin/impor").get_data(as_text=True))
    content = xlsx_bytes([["identifier", "name", "type", "unit", "kabkota"],
                     ["X-1", "Rina", "TAGANA", "DAYASOS", "32.73"],
                     ["X-2", "Dedi", "TAGANA", "DAYASOS", ""]])
    res = admin.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "pendamping",
                                                  "file": (io.BytesIO(content), "p.xlsx")},
                     content_type="multipart/form-data")
    assert res.status_code == 422
    assert "Tidak ada yang disimpan" in res.get_data(as_text=True) and _count(Pendamping) == 3
    res = admin.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "pendamping", "valid_only": "y",
                                                  "file": (io.BytesIO(content), "p.xlsx")},
                     content_type="multipart/form-data")
    assert res.status_code == 200 and _count(Pendamping) == 4
    res = admin.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "pendamping",
                                                  "file": (io.BytesIO(b"not a zip"), "p.xlsx")},
                     content_type="multipart/form-data")
    assert res.status_code == 400 and "tidak dapat dibaca" in res.get_data(as_text=True)
    assert as_user(app, "analis@x.id").get("/pantau/admin/impor").status_code == 403


def test_reference_lines_import_and_demo_label(app, field, tmp_path):
    lines = "province,period,extreme_line,poverty_line,is_demo\n32,2025-03,400000,550458,ya\n"
    result = _run(app, tmp_path, "g.csv", lines, "import-poverty-lines")
    assert result.exit_code == 0, result.output
    result = _run(app, tmp_path, "u.csv", "kabkota,year,amount,is_demo\n32.73,2025,4209309,ya\n32.73,2025,1,ya\n",
                  "import-umk")
    assert result.exit_code == 1 and "muncul dua kali" in result.output and _count(Umk) == 0
    assert _count(PovertyLine) == 1
    page = as_user(app, "admin@x.id").get("/pantau/admin/referensi").get_data(as_text=True)
    assert "DEMO" in page and "Rp550.458" in page


def test_import_refuses_units_outside_the_importers_scope(app, field):
    from app.monitoring import income_import, pendamping_import

    allowed = {field["tree"]["dayasos"].id}  # an admin of DAYASOS, importing from the admin page
    outside = PENDAMPING_CSV.replace("TKSK-2,Euis,Pendamping PKH,DAYASOS", "TKSK-2,Euis,Pendamping PKH,REHSOS")
    report = pendamping_import.import_file(io.BytesIO(outside.encode()), "p.csv", allowed_unit_ids=allowed)
    messages = [f"{e.row}:{e.column}:{e.message}" for e in report.errors]
    assert any(m.startswith("3:unit:") and "di luar wewenang" in m for m in messages), messages
    assert _count(Pendamping) == 3  # all or nothing: nothing written

    income = INCOME_CSV.replace("PENA,DAYASOS", "PENA,NOSUCHUNIT", 1)
    report = income_import.import_file(io.BytesIO(income.encode()), "i.csv", allowed_unit_ids=allowed)
    assert any(e.row == 2 and e.column == "unit" and "tidak dikenal" in e.message for e in report.errors)
    assert _count(IncomeSample) == 0
