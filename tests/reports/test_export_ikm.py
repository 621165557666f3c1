"""Exports: CSV and XLSX round-trip and neutralise formulas; the PDF parses and survives hostile text; CLI JSON."""
import csv
import io
import json
import random

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from analysis.ikm import compute_ikm
from analysis.rounding import format_id, round_half_up
from app.core.periods import parse_period
from app.reports import exports, pdf_report
from app.reports import ikm as ikm_report
from tests.helpers import login
from tests.report_data import INJECTION, NASTY, as_answers, insert_rows, make_rows


@pytest.fixture()
def data(tree, make_layanan, make_user):
    rng = random.Random(66)
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    b = make_layanan("lay-b", tree["dayasos"], name="Layanan KAT")
    rows = make_rows(a, "2025-02", 30, rng) + make_rows(b, "2025-04", 20, rng)
    rows[0]["kritik_saran"] = INJECTION
    rows[1]["kritik_saran"] = NASTY
    rows[2]["kritik_saran"] = "+62 812 atau @admin\tlalu -"
    rows[3]["flag_straightline"] = True
    insert_rows(rows)
    make_user("analis@x.id", "analyst", tree["dayasos"])
    return {"a": a, "b": b, "rows": rows, **tree}


def test_neutralise():
    for payload in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert exports.neutralise(payload) == "'" + payload
    assert exports.neutralise("aman") == "aman" and exports.neutralise(-1) == -1


def test_csv_round_trip_and_injection(client, data):
    login(client, "analis@x.id")
    response = client.get(f"/laporan/ikm.csv?period=2025&unit={data['dayasos'].id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    parsed = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(parsed) == 50
    by_instance = {r["instance_id"]: r for r in parsed}
    for row in data["rows"]:
        got = by_instance[str(row["instance_id"])] if str(row["instance_id"]) in by_instance else \
            by_instance[row["instance_id"].hex]
        for k in range(1, 10):
            assert got[f"U{k}"] == ("" if row[f"u{k}"] is None else str(row[f"u{k}"]))
        assert got["form_version"] == "skm-2017-v1"
        assert got["flag_straightline"] == ("1" if row["flag_straightline"] else "0")
        assert got["flagged"] == ("1" if row["flag_straightline"] else "0")
    kritik = [r["kritik_saran"] for r in parsed]
    assert "'" + INJECTION in kritik and INJECTION not in kritik
    assert "'+62 812 atau @admin\tlalu -" in kritik
    assert NASTY in kritik  # starts with "<", left as typed


def test_csv_chunks_stay_bounded():
    rows = ((i, "x" * 10) for i in range(exports.BATCH * 3 + 5))
    chunks = list(exports.csv_chunks(rows, header=("i", "x")))
    assert len(chunks) == 4 and all(chunk.count("\r\n") <= exports.BATCH + 1 for chunk in chunks)


def test_xlsx_round_trip_and_injection(client, data):
    login(client, "analis@x.id")
    response = client.get(f"/laporan/ikm.xlsx?period=2025&unit={data['dayasos'].id}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Ringkasan", "Responden", "RTL", "Keterangan", "Kamus"]
    sheet = book["Responden"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]  # row 1: Indonesian labels, row 2: codes
    assert list(header) == list(exports.RESPONSE_CODES) and len(body) == 50
    col = {name: i for i, name in enumerate(header)}
    u1 = sorted((r[col["U1"]] for r in body), key=lambda v: (v is None, v))
    assert u1 == sorted((r["u1"] for r in data["rows"]), key=lambda v: (v is None, v))
    cells = [c for row in sheet.iter_rows() for c in row if c.column == col["kritik_saran"] + 1]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + INJECTION in values and INJECTION not in values
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    assert summary[1][:5] == ("tingkat", "kode", "nama", "n_respondents", "score")
    assert "U9" in summary[1]
    layanan_rows = {r[1]: r for r in summary if r[0] == "Layanan"}
    expected = compute_ikm(as_answers([r for r in data["rows"] if r["layanan_id"] == data["a"].id]))
    assert layanan_rows["lay-a"][4] == pytest.approx(expected.score)


def test_pdf_pages_text_and_hostile_input(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    pdf = pdf_report.render_pdf(report)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 5
    pages = [page.extract_text() for page in reader.pages]
    assert "Laporan Survei Kepuasan Masyarakat" in pages[0]
    assert format_id(report.headline.score, 2) in pages[0]
    total = len(pages)
    assert all(f"Halaman {i} dari {total}" in pages[i - 1] for i in range(2, total + 1))
    text = "\n".join(pages)
    for needle in ("Nilai per unsur", "Prioritas perbaikan", "IKM per layanan", "Rekapitulasi per unit",
                   "Profil responden", "Kritik dan saran", "Izin UGB", "<b>tebal</b> &", "ẞ", "+62 812"):
        assert needle in text, needle
    assert "漢字" not in text  # the font lacks CJK: replaced, not crashed


def test_pdf_without_font_file_falls_back(app, data, monkeypatch):
    monkeypatch.setattr(pdf_report._Fonts, "_ready", False)
    monkeypatch.setattr(pdf_report._Fonts, "regular", "Helvetica")
    monkeypatch.setattr(pdf_report._Fonts, "bold", "Helvetica-Bold")
    monkeypatch.setattr(pdf_report._Fonts, "_cmap", None)
    monkeypatch.setitem(app.config, "PANTAU_FONT_DIR", "/nonexistent")
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_report.render_pdf(report))).pages)
    assert "Kritik dan saran" in text and "<b>tebal</b>" in text
    monkeypatch.setattr(pdf_report._Fonts, "_ready", False)  # let later tests register DejaVu again


def test_pdf_for_an_empty_period(data):
    pdf = pdf_report.render_pdf(ikm_report.build_report(data["dayasos"], parse_period("2019")))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Belum ada respons pada periode ini." in text


def test_cli_json_matches_raw_rows(app, data, tmp_path):
    out = tmp_path / "ikm.json"
    result = app.test_cli_runner().invoke(args=["report", "ikm", "--unit", "dayasos", "--period", "2025",
                                                "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    per = {}
    for slug, layanan in (("lay-a", data["a"]), ("lay-b", data["b"])):
        per[slug] = compute_ikm(as_answers([r for r in data["rows"] if r["layanan_id"] == layanan.id]))
    items = {item["slug"]: item for item in doc["layanan"]}
    for slug, expected in per.items():
        assert items[slug]["score"] == pytest.approx(expected.score, abs=1e-12)
        assert items[slug]["score_display"] == str(expected.score_display)
        assert items[slug]["grade"] == expected.grade
        assert items[slug]["n_respondents"] == expected.n_respondents
        assert items[slug]["nrr"] == pytest.approx(expected.nrr)
        assert items[slug]["ci"] == pytest.approx(list(expected.confidence_interval()))
    total = sum(r.n_respondents for r in per.values())
    rolled = sum(r.score * r.n_respondents for r in per.values()) / total
    assert doc["rollup"]["score"] == pytest.approx(rolled, abs=1e-9)
    assert doc["rollup"]["n_respondents"] == total == 50
    assert doc["rollup"]["score_display"] == str(round_half_up(rolled, 2))
    assert set(doc["rollup"]["nrr"]) == {f"U{k}" for k in range(1, 10)}
    assert doc["rollup"]["ci"][0] < doc["rollup"]["score"] < doc["rollup"]["ci"][1]
    assert doc["flags"]["flagged"] == 1


@pytest.mark.parametrize("fmt,magic", [("pdf", b"%PDF"), ("xlsx", b"PK"), ("csv", b'\xef\xbb\xbf"id","instance_id",'),
                                       ("csv-id", b'\xef\xbb\xbf"id";"instance_id";')])
def test_cli_binary_formats(app, data, tmp_path, fmt, magic):
    out = tmp_path / f"ikm.{fmt}"
    result = app.test_cli_runner().invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025-S1",
                                                "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_cli_rejects_bad_arguments(app, data):
    runner = app.test_cli_runner()
    assert "tidak ditemukan" in runner.invoke(args=["report", "ikm", "--unit", "NOPE", "--period", "2025"]).output
    assert "Periode tidak dikenal" in runner.invoke(args=["report", "ikm", "--unit", "DAYASOS",
                                                          "--period", "20x5"]).output
    binary = runner.invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025", "--format", "pdf"])
    assert binary.exit_code != 0 and "--out" in binary.output
