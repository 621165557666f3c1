"""The recorded RTL in the report: the matrix in the "Laporan Hasil SKM" PDF and the RTL sheet in the XLSX."""
from __future__ import annotations

import io
import uuid
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert

from app.core.periods import parse_period
from app.extensions import db
from app.followup import rtl
from app.models import SkmResponse
from tests.helpers import login


@pytest.fixture()
def world(tree, make_layanan, make_user):
    lay = make_layanan("bansos", tree["psds"], name="Penyaluran Bansos")
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    db.session.execute(insert(SkmResponse), [{
        "instance_id": uuid.uuid4(), "layanan_id": lay.id, "period": "2025-03",
        "submitted_at": datetime(2025, 3, 1 + i, 3), "form_version": "skm-2017-v1", "channel": "web",
        "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
        **{f"u{k}": 2 if k == 3 else 3 for k in range(1, 10)}} for i in range(20)])
    year = parse_period("2025")
    rtl.create_action(analyst, tree["psds"], lay, year, rtl.ActionInput(
        unsur="U3", problem="Antrean lebih dari satu jam", action="Sistem nomor antrean daring", pic="Kasubag TU",
        planned_start=date(2025, 4, 1), planned_end=date(2025, 9, 30), status="selesai",
        completed_on=date(2025, 9, 1)))
    rtl.create_action(analyst, tree["psds"], lay, year, rtl.ActionInput(
        unsur="U9", problem="Ruang tunggu panas", action="Pasang pendingin ruangan", pic="PPK",
        status="dibatalkan", cancel_reason="Gedung akan dipindah"))
    rtl.create_action(analyst, tree["psds"], lay, parse_period("2024"), rtl.ActionInput(
        unsur="U1", problem="Tahun lalu", action="Tindakan tahun lalu", pic="PPK"))
    db.session.commit()
    return {**tree, "lay": lay}


def test_laporan_pdf_has_the_recorded_rtl_matrix(client, world):
    login(client, "analis@x.id")
    reply = client.get(f"/laporan/ikm.laporan-skm?period=2025&unit={world['dayasos'].id}")
    assert reply.status_code == 200
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(reply.data)).pages)
    assert "Rencana tindak lanjut yang ditetapkan" in text
    assert "Sistem nomor antrean daring" in text and "Kasubag TU" in text and "1 April 2025" in text
    assert "Gedung akan dipindah" in text
    assert "Capaian: 100,0% (1 dari 1 tindak lanjut selesai, 1 dibatalkan)" in text
    assert "Tindakan tahun lalu" not in text


def test_xlsx_has_an_rtl_sheet(client, world):
    login(client, "analis@x.id")
    reply = client.get(f"/laporan/ikm.xlsx?period=2025&unit={world['dayasos'].id}")
    book = load_workbook(io.BytesIO(reply.data))
    sheet = book["RTL"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Unsur", "Nama unsur", "Layanan") and rows[1][0] == "unsur"
    assert [r[0] for r in rows[2:]] == ["U3", "U9"]
    assert rows[2][4] == "Sistem nomor antrean daring" and rows[2][8] == "Selesai"
    assert rows[2][6].date() == date(2025, 4, 1) and rows[2][9].date() == date(2025, 9, 1)
    assert rows[3][10] == "Gedung akan dipindah"
