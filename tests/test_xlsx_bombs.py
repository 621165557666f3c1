"""XLSX import bombs (issue 9): the archive and the sheet's declared size are checked before
openpyxl parses anything; beyond the limits the upload is refused with an Indonesian message."""
from __future__ import annotations

import io
import resource
import time
import zipfile

import pytest

from app.core import tabular
from app.core.tabular import TableError, read_table
from tests.factories import xlsx_bytes
from tests.helpers import csrf_from
from tests.monitoring_fixtures import as_user

HEADER = ["identifier", "name", "type", "unit", "kabkota"]



def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy an xlsx, replacing or adding members (deflated)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, body in add.items():
            dst.writestr(name, body, compresslevel=9)
    return out.getvalue()


def _sheet_xml(dimension: str, rows: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>').encode()


def _read(data: bytes, name: str = "p.xlsx"):
    return read_table(io.BytesIO(data), name, ("identifier",))


def test_a_normal_workbook_still_reads():
    rows = _read(xlsx_bytes([HEADER, ["X-1", "Rina", "TAGANA", "DAYASOS", "32.73"]]))
    assert rows == [(2, dict(zip(HEADER, ["X-1", "Rina", "TAGANA", "DAYASOS", "32.73"], strict=True)))]


def _streamed_bomb(path, inflated_mb: int) -> None:
    """A workbook whose sheet inflates to `inflated_mb` MB, written in 1 MB chunks (low test memory)."""
    base = xlsx_bytes([HEADER, ["X-1", "Rina", "TAGANA", "DAYASOS", "32.73"]])
    head, tail = _sheet_xml("A1:E2").split(b"</sheetData>")
    chunk = b"<row/>" * (1024 * 1024 // 6)
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
        member = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        member.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(member, "w", force_zip64=True) as sheet:
            sheet.write(head)
            for _ in range(inflated_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData>" + tail)


def test_300_kb_expanding_to_300_mb_is_refused_before_parsing(tmp_path):
    """The issue's bomb: a few hundred KB on disk, 300 MB of sheet XML once inflated."""
    path = tmp_path / "bom.xlsx"
    _streamed_bomb(path, 300)
    assert path.stat().st_size < 2 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with open(path, "rb") as handle, pytest.raises(TableError) as err:
        read_table(handle, "bom.xlsx", ("identifier",))
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB: under 50 MB more
    assert "terlalu besar setelah diekstrak (300 MB; batas 100 MB)" in str(err.value)


def test_a_member_compressed_beyond_the_ratio_limit_is_refused():
    base = xlsx_bytes([HEADER])
    bomb = _rezip(base, add={"xl/media/filler.bin": b"\0" * (8 * 1024 * 1024)})  # ~1000:1, small in total
    with pytest.raises(TableError) as err:
        _read(bomb)
    assert "rasio kompresi" in str(err.value)


def test_32_million_declared_cells_are_refused_without_reading_them():
    """The issue's second file: a sheet declaring 32 million cells."""
    base = xlsx_bytes([HEADER])
    lying = _rezip(base, replace={"xl/worksheets/sheet1.xml": _sheet_xml("A1:AF1000000")})
    started = time.monotonic()
    with pytest.raises(TableError) as err:
        _read(lying)
    assert time.monotonic() - started < 2
    assert "1.000.000 baris" in str(err.value) and "32 kolom" in str(err.value)


def test_too_many_columns_are_refused():
    base = xlsx_bytes([HEADER])
    wide = _rezip(base, replace={"xl/worksheets/sheet1.xml": _sheet_xml("A1:XFD10")})
    with pytest.raises(TableError) as err:
        _read(wide)
    assert "16.384 kolom" in str(err.value)


def test_rows_beyond_the_declared_dimension_are_still_bounded(monkeypatch):
    """A sheet may declare A1:A1 and hold more: reading stops at the row limit all the same."""
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x{i}</t></is></c></row>' for i in range(1, 10))
    base = xlsx_bytes([HEADER])
    lying = _rezip(base, replace={"xl/worksheets/sheet1.xml": _sheet_xml("A1:A1", rows)})
    with pytest.raises(TableError) as err:
        read_table(io.BytesIO(lying), "p.xlsx", ())
    assert "melebihi 3 baris" in str(err.value)


def test_the_admin_import_page_answers_400_with_the_message(app, field):
    admin = as_user(app, "admin@x.id")
    token = csrf_from(admin.get("/pantau/admin/impor").get_data(as_text=True))
    base = xlsx_bytes([HEADER])
    bomb = _rezip(base, replace={"xl/worksheets/sheet1.xml": _sheet_xml("A1:AF1000000")})
    res = admin.post("/pantau/admin/impor", data={"csrf_token": token, "kind": "pendamping",
                                                  "file": (io.BytesIO(bomb), "p.xlsx")},
                     content_type="multipart/form-data")
    assert res.status_code == 400 and "1.000.000 baris" in res.get_data(as_text=True)
