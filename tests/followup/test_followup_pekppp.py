"""The PEKPPP evidence pack: one ZIP per unit and period, from the web (scoped) and the CLI, cover matches contents."""
from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert

from app.core.periods import parse_period
from app.extensions import db
from app.followup import pekppp_pack, rtl
from app.followup import publication as pub
from app.models import SkmResponse
from app.models.indicator import ServicePopulation
from tests.factories import blank_pdf
from tests.helpers import login
from tests.pdf_tables import overflowing_cells, recorded_tables


@pytest.fixture()
def world(app, tree, make_layanan, make_user):
    lay = make_layanan("bansos", tree["dayasos"], name="Penyaluran Bansos", published=True)
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    make_user("monitor@x.id", "monitor", tree["dayasos"])
    make_user("sibling@x.id", "analyst", tree["rehsos"])
    db.session.execute(insert(SkmResponse), [{
        "instance_id": uuid.uuid4(), "layanan_id": lay.id, "period": "2025-03",
        "submitted_at": datetime(2025, 3, 1 + i, 3), "form_version": "skm-2017-v1", "channel": "web",
        "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
        **{f"u{k}": 2 if k == 3 else 3 for k in range(1, 10)}} for i in range(20)])
    db.session.add(ServicePopulation(layanan_id=lay.id, period="2025", population=100))
    year = parse_period("2025")
    rtl.create_action(analyst, tree["dayasos"], lay, year, rtl.ActionInput(
        unsur="U3", problem="Antrean lama", action="Sistem nomor antrean daring", pic="Kasubag TU",
        planned_start=date(2025, 4, 1), planned_end=date(2025, 9, 30), status="selesai",
        completed_on=date(2025, 9, 1)))
    rtl.create_action(analyst, tree["dayasos"], lay, year, rtl.ActionInput(
        unsur="U9", problem="Ruang panas", action="Pasang kipas", pic="PPK", status="berjalan"))
    pub.add_record(analyst, tree["dayasos"].id, year, pub.RecordInput(
        "website", date(2025, 7, 1), url="https://dayasos.go.id/skm", evidence=blank_pdf()), app.instance_path)
    pub.add_record(analyst, tree["dayasos"].id, year, pub.RecordInput("papan", date(2025, 7, 2)))
    # /hasil/DAYASOS was first served with 2025's results on 12 March 2025 (09:00 WIB)
    pub.record_results_shown(tree["dayasos"].id, [lay.id], year, datetime(2025, 3, 12, 2))
    db.session.commit()
    return {**tree, "lay": lay}


def _check_pack(data: bytes) -> tuple[zipfile.ZipFile, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    cover = archive.read(pekppp_pack.COVER).decode("utf-8")
    cited = pekppp_pack.cover_files(cover)
    assert cited and set(cited) <= names
    for name in names:
        if name.endswith(".pdf"):
            assert len(PdfReader(io.BytesIO(archive.read(name))).pages) >= 1, name
        elif name.endswith(".xlsx"):
            assert load_workbook(io.BytesIO(archive.read(name))).sheetnames, name
    return archive, cover


def test_pack_contents_and_cover(app, world):
    data = pekppp_pack.build_pack(world["dayasos"], parse_period("2025"), app.instance_path)
    archive, cover = _check_pack(data)
    names = set(archive.namelist())
    assert {pekppp_pack.LAPORAN, pekppp_pack.DATA, pekppp_pack.RTL_PDF, pekppp_pack.RTL_XLSX,
            pekppp_pack.PUB_PDF, pekppp_pack.PUB_XLSX} <= names
    evidence = [n for n in names if n.startswith(pekppp_pack.EVIDENCE_DIR)]
    assert evidence == ["04_bukti_publikasi/002_website.pdf"]  # newest first (the board); it has no file
    assert f"Bukti: {evidence[0]}" in cover
    assert "IKM: 72,22" in cover  # eight unsur at 3, one at 2: mean 26/9 x 25
    assert "20 dari target 80 (belum terpenuhi)" in cover  # Krejcie-Morgan n for N=100 is 80
    assert "Jumlah media publikasi: 3" in cover  # website, board, the public results page
    assert "termasuk halaman hasil publik Pantau /hasil/DAYASOS, pertama tampil 12 Maret 2025" in cover
    assert "Persentase RTL selesai: 50,0% (1 dari 2" in cover
    rtl_pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(pekppp_pack.RTL_PDF))).pages)
    assert "Sistem nomor antrean daring" in " ".join(rtl_pdf.split())
    rtl_sheet = list(load_workbook(io.BytesIO(archive.read(pekppp_pack.RTL_XLSX)))["RTL"].iter_rows(values_only=True))
    assert [r[0] for r in rtl_sheet[2:]] == ["U3", "U9"]
    pub_sheet = list(load_workbook(io.BytesIO(archive.read(pekppp_pack.PUB_XLSX)))["Publikasi"]
                     .iter_rows(values_only=True))
    assert [r[5] for r in pub_sheet[2:]] == [None, evidence[0], None]
    assert pub_sheet[-1][1] == "Halaman hasil publik Pantau" and pub_sheet[-1][2].date() == date(2025, 3, 12)
    pub_pdf = " ".join(" ".join(p.extract_text().split())
                       for p in PdfReader(io.BytesIO(archive.read(pekppp_pack.PUB_PDF))).pages)
    assert "Halaman hasil publik Pantau 12 Maret 2025" in pub_pdf


def test_pack_without_a_public_page_serve_counts_only_the_records(app, world):
    data = pekppp_pack.build_pack(world["dayasos"], parse_period("2025-Q2"), app.instance_path)
    _, cover = _check_pack(data)
    assert "Jumlah media publikasi: 0" in cover  # no records for Q2, and the page never showed Q2 results
    assert "halaman hasil publik" not in cover


def test_pack_download_is_scoped(app, client, world):
    url = f"/tindak-lanjut/pekppp?unit={world['dayasos'].id}&periode=2025"
    login(client, "analis@x.id")
    reply = client.get(url)
    assert reply.status_code == 200 and reply.mimetype == "application/zip"
    assert "bukti-pekppp-dayasos-2025.zip" in reply.headers["Content-Disposition"]
    _check_pack(reply.data)
    assert client.get(f"/tindak-lanjut/pekppp?unit={world['rehsos'].id}&periode=2025").status_code == 404
    assert client.get(f"/tindak-lanjut/pekppp?unit={world['dayasos'].id}&periode=20x5").status_code == 400
    sibling = app.test_client()
    login(sibling, "sibling@x.id")
    assert sibling.get(url).status_code == 404
    monitor = app.test_client()
    login(monitor, "monitor@x.id")
    assert monitor.get(url).status_code == 403
    assert app.test_client().get(url).status_code in (302, 401)


def test_cli_writes_the_pack(app, world, tmp_path):
    out = tmp_path / "pack.zip"
    result = app.test_cli_runner().invoke(args=["report", "pekppp", "--unit", "dayasos", "--period", "2025",
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    _, cover = _check_pack(out.read_bytes())
    assert "DAYASOS" in cover
    bad = app.test_cli_runner().invoke(args=["report", "pekppp", "--unit", "NOPE", "--period", "2025",
                                             "--out", str(out)])
    assert bad.exit_code != 0 and "tidak ditemukan" in bad.output


def test_follow_up_pages_link_the_pack(client, world):
    login(client, "analis@x.id")
    link = f"/tindak-lanjut/pekppp?unit={world['dayasos'].id}&amp;periode=2025"
    for page in ("/tindak-lanjut/", "/tindak-lanjut/publikasi"):
        html = client.get(f"{page}?unit={world['dayasos'].id}&periode=2025").get_data(as_text=True)
        assert link in html, page


def test_pack_pdf_tables_fit_their_columns(app, world):
    """The laporan, the RTL and the publication PDFs of the pack: no cell runs into its neighbour."""
    with recorded_tables() as tables:
        pekppp_pack.build_pack(world["dayasos"], parse_period("2025"), app.instance_path)
    assert len(tables) >= 8
    problems = overflowing_cells(tables)
    assert problems == [], "\n".join(problems)
