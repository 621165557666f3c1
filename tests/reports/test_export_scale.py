"""National-scale exports (issue 17): the PostgreSQL COPY path writes the very bytes of the Python path,
and an XLSX sheet past Excel's row limit continues on a new sheet that says so."""
from __future__ import annotations

import io
import random
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.core.periods import parse_period
from app.extensions import db
from app.reports import exports, xlsx
from tests.report_data import INJECTION, NASTY, insert_rows, make_rows

HOSTILE = (INJECTION, NASTY, 'dua\nbaris "kutip" ; koma, dan\r\nCRLF', "-1", "@x", "\tx", "\rx", "+62", "", None,
           "'sudah", "é漢字😀")


@pytest.fixture()
def hostile(tree, make_layanan):
    rng = random.Random(1717)
    tree["psds"].timezone = "Asia/Makassar"
    tree["rehsos"].timezone = "Asia/Jayapura"
    db.session.commit()
    layanan = [make_layanan("=exp-a", tree["psds"]), make_layanan("exp-b", tree["dayasos"]),
               make_layanan("exp-c", tree["rehsos"])]
    rows = []
    for lay in layanan:
        for month in ("2024-12", "2025-01", "2025-06", "2025-12"):
            rows += make_rows(lay, month, 25, rng)
    for i, row in enumerate(rows):
        row["kritik_saran"] = HOSTILE[i % len(HOSTILE)]
        row["submitted_at"] = row["submitted_at"].replace(hour=(i * 7) % 24, second=i % 60,
                                                          microsecond=(i * 9973) % 10**6)
        row["service_date"] = date(2025, 1, 1 + i % 28) if i % 3 else None
        row["flag_too_fast"] = i % 5 == 0
        row["flag_stamp_reused"] = i % 13 == 0
        row["jenis_kelamin"] = ("L", "P", None)[i % 3]
        row["usia"] = None if i % 4 == 0 else row["usia"]
    rows[0]["submitted_at"] = datetime(2025, 12, 31, 23, 59, 59, 999999)  # next day (and year) in WIB
    insert_rows(rows)
    return {"ids": [lay.id for lay in layanan], **tree}


@pytest.mark.parametrize("fmt", sorted(exports.CSV_FORMATS))
@pytest.mark.parametrize("exclude", [False, True])
def test_response_csv_is_the_same_text_on_every_path(hostile, fmt, exclude):
    period = parse_period("2025")
    python_path = "".join(exports.csv_chunks(exports.iter_response_rows(hostile["ids"], period, exclude), fmt=fmt))
    fast_path = "".join(exports.response_csv_chunks(hostile["ids"], period, exclude, fmt))
    assert python_path.count("\r\n") > 100
    assert fast_path == python_path  # on PostgreSQL: COPY formatted by the server


def test_response_csv_without_layanan_is_the_header_only(hostile):
    text = "".join(exports.response_csv_chunks([], parse_period("2025")))
    assert text == "".join(exports.csv_chunks([]))


def test_csv_chunks_formats_every_type_as_before():
    row = (1, "=x", True, None, 2.5, datetime(2025, 1, 2, 3, 4, 5), date(2025, 1, 2), "aman", -3)
    text = "".join(exports.csv_chunks([row], header=[str(i) for i in range(len(row))], fmt="csv-id"))
    assert text.splitlines()[1] == '"1";"\'=x";"1";"";"2,5";"2025-01-02 03:04:05";"2025-01-02";"aman";"-3"'


def test_xlsx_sheet_past_the_row_limit_continues_on_a_new_sheet(monkeypatch):
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 4)
    columns = (exports.Column("n", "Nomor"), exports.Column("t", "Teks"))
    target = io.BytesIO()
    written = xlsx.write_xlsx(target, [xlsx.Sheet("Responden", columns, ((i, f"baris {i}") for i in range(11))),
                                          xlsx.Sheet("Kamus", columns, [(1, "satu")], codes_row=False)])
    assert written == 12
    book = load_workbook(io.BytesIO(target.getvalue()))
    assert book.sheetnames == ["Responden", "Responden (2)", "Responden (3)", "Kamus"]
    values = []
    for name in book.sheetnames[:3]:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[1] == ("n", "t")
        data = [r for r in rows[2:] if r[0] is not None and not str(r[0]).startswith("Lanjutan")]
        assert len(data) <= 4
        values += [r[0] for r in data]
    assert values == list(range(11))
    notes = [r[0] for name in book.sheetnames[:2] for r in book[name].iter_rows(values_only=True)
             if isinstance(r[0], str) and r[0].startswith("Lanjutan")]
    assert notes == ["Lanjutan di lembar 'Responden (2)': batas 4 baris per lembar tercapai.",
                     "Lanjutan di lembar 'Responden (3)': batas 4 baris per lembar tercapai."]
