"""Spreadsheet exports an Indonesian analyst opens: CSV (comma) and CSV (Excel Indonesia), XLSX with types.

Issue 13 "Spreadsheets" and issue 9 "CSV exports": every field quoted, a `;` variant with the decimal
comma, local-time date cells, numbers as numbers, Indonesian headers with a code row and a Kamus sheet.
"""
import csv
import io
import os
import random
import shutil
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.reports import exports, xlsx
from tests.helpers import login
from tests.report_data import INJECTION, insert_rows, make_rows

SEMICOLON_KRITIK = "x;=1+1;y"


@pytest.fixture()
def data(tree, make_layanan, make_user):
    rng = random.Random(13)
    tree["psds"].timezone = "Asia/Makassar"  # WITA: local time is UTC+8
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    b = make_layanan("lay-b", tree["dayasos"], name="Layanan KAT")
    rows = make_rows(a, "2025-02", 6, rng) + make_rows(b, "2025-04", 4, rng)
    rows[0]["kritik_saran"] = SEMICOLON_KRITIK
    rows[1]["kritik_saran"] = INJECTION
    rows[2]["kritik_saran"] = "pakai, koma \"kutip\" dan\nbaris baru"
    rows[0]["submitted_at"] = datetime(2025, 2, 3, 20, 30, 15)  # 04:30 WITA on 4 February
    rows[0]["service_date"] = date(2025, 2, 1)
    rows[0]["jenis_kelamin"] = "P"
    rows[3]["flag_too_fast"] = True
    insert_rows(rows)
    make_user("analis@x.id", "analyst", tree["dayasos"])
    return {"a": a, "b": b, "rows": rows, **tree}


def _get(client, data, fmt):
    login(client, "analis@x.id")
    response = client.get(f"/laporan/ikm.{fmt}?period=2025&unit={data['dayasos'].id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _records(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def _lines(text: str) -> list[str]:
    return [line for line in text.lstrip("\ufeff").split("\r\n") if line]


def test_standard_csv_quotes_every_field_and_round_trips(client, data):
    response = _get(client, data, "csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    records = _records(text, ",")
    header, body = records[0], records[1:]
    assert header == list(exports.RESPONSE_CODES) and len(body) == 10
    # every field quoted, the header too, so no separator inside a text can start a new cell
    assert _lines(text)[0].startswith('"id","instance_id",')
    assert all(line.startswith('"') and line.endswith('"') for line in _lines(text))
    col = {name: i for i, name in enumerate(header)}
    kritik = [r[col["kritik_saran"]] for r in body]
    assert SEMICOLON_KRITIK in kritik and "'" + INJECTION in kritik
    assert "pakai, koma \"kutip\" dan\nbaris baru" in kritik
    first = next(r for r in body if r[col["kritik_saran"]] == SEMICOLON_KRITIK)
    assert first[col["submitted_at_utc"]] == "2025-02-03 20:30:15"
    assert first[col["submitted_at_local"]] == "2025-02-04 04:30:15" and first[col["zona_waktu"]] == "WITA"
    assert first[col["service_date"]] == "2025-02-01"
    assert first[col["jenis_kelamin"]] == "P" and first[col["jenis_kelamin_label"]] == "Perempuan"


def test_csv_id_is_semicolon_separated_with_decimal_comma(client, data):
    response = _get(client, data, "csv-id")
    assert response.mimetype == "text/csv"
    assert 'filename="ikm-dayasos-2025-excel-id.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert _lines(text)[0].startswith('"id";"instance_id";')
    records = _records(text, ";")
    header, body = records[0], records[1:]
    assert header == list(exports.RESPONSE_CODES) and len(body) == 10
    assert all(len(r) == len(header) for r in body)
    col = {name: i for i, name in enumerate(header)}
    kritik = [r[col["kritik_saran"]] for r in body]
    # read with Excel Indonesia's separator, the kritik stays one cell and no cell starts a formula
    assert SEMICOLON_KRITIK in kritik and "'" + INJECTION in kritik
    assert not any(cell.startswith(("=", "+", "@")) for r in body for cell in r)


def test_csv_id_writes_decimal_comma_for_fractions():
    text = "".join(exports.csv_chunks([(1, 83.925, "a;b", True, None)], header=("n", "x", "t", "f", "k"),
                                     fmt="csv-id"))
    assert text == '\ufeff"n";"x";"t";"f";"k"\r\n"1";"83,925";"a;b";"1";""\r\n'
    standard = "".join(exports.csv_chunks([(1, 83.925, "a,b", False, None)], header=("n", "x", "t", "f", "k")))
    assert standard == '\ufeff"n","x","t","f","k"\r\n"1","83.925","a,b","0",""\r\n'


def test_cli_csv_id(app, data, tmp_path):
    out = tmp_path / "ikm.csv"
    result = app.test_cli_runner().invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025",
                                                "--format", "csv-id", "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = _records(out.read_text(encoding="utf-8"), ";")
    assert records[0] == list(exports.RESPONSE_CODES) and len(records) == 11


def test_xlsx_types_labels_and_layout(client, data):
    book = load_workbook(io.BytesIO(_get(client, data, "xlsx").data))
    assert book.sheetnames == ["Ringkasan", "Responden", "RTL", "Keterangan", "Kamus"]
    sheet = book["Responden"]
    labels = [c.value for c in sheet[1]]
    codes = [c.value for c in sheet[2]]
    assert codes == list(exports.RESPONSE_CODES)
    assert labels[:3] == ["ID respons", "ID instans", "Kode unit"] and "U1 Persyaratan" in labels
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(2, len(codes)).column_letter}12"
    assert sheet.column_dimensions["A"].width and sheet.column_dimensions[
        sheet.cell(1, codes.index("kritik_saran") + 1).column_letter].width >= 40
    col = {name: i + 1 for i, name in enumerate(codes)}
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, col["kritik_saran"]).value == SEMICOLON_KRITIK)
    local = sheet.cell(row, col["submitted_at_local"])
    assert local.is_date and local.value == datetime(2025, 2, 4, 4, 30, 15)
    assert sheet.cell(row, col["zona_waktu"]).value == "WITA"
    assert sheet.cell(row, col["service_date"]).is_date
    assert sheet.cell(row, col["service_date"]).value.date() == date(2025, 2, 1)
    assert sheet.cell(row, col["U1"]).data_type == "n"
    assert sheet.cell(row, col["jenis_kelamin_label"]).value == "Perempuan"
    kategori = [sheet.cell(r, col["kategori_responden_label"]).value for r in range(3, 13)]
    assert "Masyarakat" in kategori or "Pemerintah Daerah" in kategori or "Internal Kementerian" in kategori
    flagged = [sheet.cell(r, col["flag_too_fast"]).value for r in range(3, 13)]
    assert sorted(flagged) == [0] * 9 + [1]

    summary = book["Ringkasan"]
    scodes = [c.value for c in summary[2]]
    assert "score_display" not in scodes and "score" in scodes
    assert [c.value for c in summary[1]][:4] == ["Tingkat", "Kode", "Nama", "Responden (n)"]
    assert summary.freeze_panes == "A3" and summary.auto_filter.ref.startswith("A2:")
    scol = {name: i + 1 for i, name in enumerate(scodes)}
    for r in range(3, summary.max_row + 1):
        score = summary.cell(r, scol["score"])
        assert score.data_type == "n" and score.number_format == "0.00"
        assert isinstance(summary.cell(r, scol["n_respondents"]).value, int)
    levels = {summary.cell(r, scol["tingkat"]).value for r in range(3, summary.max_row + 1)}
    assert levels <= {"Unit (tertimbang)", "Gabungan (jumlah mentah)", "Unit", "Layanan"} and "Layanan" in levels

    info = {r[0]: r[1] for r in book["Keterangan"].iter_rows(min_row=2, values_only=True)}
    assert isinstance(info["Dibuat"], datetime)
    kamus = [r for r in book["Kamus"].iter_rows(values_only=True)]
    flat = {(r[0], r[1]) for r in kamus}
    assert ("jenis_kelamin", "L") in flat and ("kategori_responden", "masyarakat") in flat
    assert ("U1", "U1") in flat or any(r[0] == "U1" for r in kamus)


def _soffice() -> str:
    """LibreOffice is a test prerequisite (`make test` installs it): a missing one fails, never skips."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice (soffice) tidak terpasang: jalankan `make test` sebagai root atau pasang "
                    "paket Debian 'libreoffice-calc-nogui'.")
    return found


# `;` separator, `"` quotes, UTF-8, from line 1, Indonesian locale (1057), and formulas evaluated: with the
# unquoted CSV of before, "x;=1+1;y" read this way gave a live =1+1 cell.
LO_SEMICOLON = "CSV:59,34,76,1,,1057,false,false,false,false,true"


def _libreoffice_reads(tmp_path, payload: bytes):
    source = tmp_path / "ikm.csv"
    source.write_bytes(payload)
    subprocess.run([_soffice(), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    f"--infilter={LO_SEMICOLON}", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
                    str(source)], check=True, capture_output=True, timeout=120,
                   env={**os.environ, "HOME": str(tmp_path)})
    return load_workbook(tmp_path / "out" / "ikm.xlsx").active


def test_libreoffice_reads_csv_id_into_the_right_columns(client, data, tmp_path):
    """Excel Indonesia's import, played by LibreOffice headless with the Indonesian locale."""
    sheet = _libreoffice_reads(tmp_path, _get(client, data, "csv-id").data)
    header = [c.value for c in sheet[1]]
    assert header == list(exports.RESPONSE_CODES)
    col = {name: i + 1 for i, name in enumerate(header)}
    body = range(2, sheet.max_row + 1)
    assert len(body) == 10
    kritik = [sheet.cell(r, col["kritik_saran"]).value for r in body]
    assert SEMICOLON_KRITIK in kritik and "'" + INJECTION in kritik
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert all(isinstance(sheet.cell(r, col["id"]).value, int | float) for r in body)
    assert {sheet.cell(r, col["zona_waktu"]).value for r in body} == {"WIB", "WITA"}


def test_libreoffice_reading_the_comma_csv_with_semicolons_gets_no_formula(client, data, tmp_path):
    """Issue 9: the standard CSV opened with Excel Indonesia's `;` must not turn "x;=1+1;y" into =1+1."""
    sheet = _libreoffice_reads(tmp_path, _get(client, data, "csv").data)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    assert not any(str(c.value).startswith(("=", "+", "@")) for c in cells)


def test_write_xlsx_still_takes_plain_sheets():
    out = io.BytesIO()
    assert xlsx.write_xlsx(out, [("Data", ("kode", "nilai"), [("a", 1.5), ("=b", None)])]) == 2
    sheet = load_workbook(io.BytesIO(out.getvalue()))["Data"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["kode", "nilai"], ["a", 1.5], ["'=b", None]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B3"
