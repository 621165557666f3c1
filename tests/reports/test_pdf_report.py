"""The IKM PDFs an analyst signs and attaches (issue 13): local time, no placeholders, a closing page,
a unit logo, plain explanations, n beside scores, decimal-comma axes, wrapped names, the trend with a
single period, and the PermenPAN-RB 14/2017 "Laporan Hasil SKM" beside the compact report."""
import io
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.graphics.shapes import Group
from reportlab.graphics.widgets.markers import Marker
from sqlalchemy import select

from analysis.rounding import format_id
from app.core.periods import parse_period
from app.extensions import db
from app.followup import kritik_themes
from app.models import Unit
from app.reports import ikm as ikm_report
from app.reports import pdf_charts, pdf_report, unit_logo
from tests.helpers import csrf_from, login
from tests.report_data import insert_rows, make_rows

LONG_NAME = "Izin Penyelenggaraan Pengumpulan Uang atau Barang oleh Masyarakat Umum"
LONG_NAME_2 = "Izin Penyelenggaraan Undian Gratis Berhadiah untuk Masyarakat Umum"
GENERATED = datetime(2026, 11, 30, 8, 12, 49, tzinfo=UTC)


@pytest.fixture()
def data(tree, make_layanan, make_user):
    rng = random.Random(131)
    tree["dayasos"].timezone = "Asia/Makassar"
    a = make_layanan("lay-a", tree["dayasos"], name=LONG_NAME)
    b = make_layanan("lay-b", tree["dayasos"], name=LONG_NAME_2)
    rows = make_rows(a, "2025-02", 24, rng) + make_rows(b, "2025-03", 16, rng)
    rows[0]["kritik_saran"] = "Antrian terlalu lama, petugas kurang ramah"
    rows[1]["kritik_saran"] = "Biaya fotokopi dipungut di loket"
    insert_rows(rows)
    make_user("analis@x.id", "analyst", tree["dayasos"])
    make_user("admin@x.id", "admin", tree["dayasos"])
    return {"a": a, "b": b, "rows": rows, **tree}


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _png(size=(120, 60), **info) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(out, "PNG", **info)
    return out.getvalue()


def test_a_logo_is_stored_without_its_metadata(app):
    """Logos go through the same re-encoding as evidence photos: no EXIF or text chunks reach the disk."""
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_text("Author", "Budi 0812-3456-7890")
    exif = Image.Exif()
    exif[0x010F] = "KameraX"  # Make
    name = unit_logo.store(_png(pnginfo=meta, exif=exif.tobytes()), app.instance_path)
    stored = Path(unit_logo.path_for(name, app.instance_path)).read_bytes()
    assert b"Budi" not in stored and b"KameraX" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (120, 60) and not image.info.get("Author") and not image.getexif()


def test_time_is_local_with_zone_and_no_placeholders(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    text = "\n".join(_pages(pdf_report.render_pdf(report, generated_at=GENERATED)))
    assert "30 November 2026 pukul 16.12 WITA" in text
    assert "UTC" not in text
    assert "belum diisi" not in text
    assert "Populasi pengguna layanan belum dicatat, sehingga target sampel tidak dihitung." in text


def test_explanation_and_n_beside_every_score(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    pages = _pages(pdf_report.render_pdf(report, generated_at=GENERATED))
    text = "\n".join(pages)
    assert "n = 40 responden" in pages[0]
    assert "Arti interval 95% dan mutu" in text
    assert "rentang" in text and "88,31" in text and "melintasi batas mutu" in text
    # the unsur table carries the number of respondents who answered each unsur
    head = report.headline
    assert re.search(rf"U8\s+Penanganan pengaduan, saran dan masukan\s+{head.pooled.counts['U8']}\b", text)
    # the layanan chart labels each bar with its n
    line = report.lines[0]
    assert f"{format_id(line.result.score, 2)} (n = {line.n})" in text


def test_axis_ticks_use_the_decimal_comma(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    text = "\n".join(_pages(pdf_report.render_pdf(report)))
    assert "1,5" in text and "2,5" in text
    assert not re.search(r"(?<![\d.])[1-4]\.5(?!\d)", text)


def test_long_names_wrap_instead_of_being_cut(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    text = " ".join(" ".join(_pages(pdf_report.render_pdf(report))).split())
    drawing = pdf_charts.bar_drawing([LONG_NAME, LONG_NAME_2], [80.0, 90.0], low=25, high=100)
    chart = drawing.contents[0]
    names = [" ".join(name.split()) for name in chart.categoryAxis.categoryNames]
    assert names == [LONG_NAME, LONG_NAME_2]
    assert all("\n" in name for name in chart.categoryAxis.categoryNames)
    assert "…" not in text and "Pe…" not in text
    assert "saran dan masukan" in text and "Umum" in text


def _shapes(node):
    if isinstance(node, Group):
        for child in node.contents:
            yield from _shapes(child)
    else:
        yield node


def test_trend_with_one_period_draws_the_point_and_says_so(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025-02"))
    assert [p.score is not None for p in report.trend] == [False, False, False, False, True]
    text = "\n".join(_pages(pdf_report.render_pdf(report)))
    assert "data baru satu periode" in text
    drawing = pdf_charts.line_drawing([p.period.code for p in report.trend], [p.score for p in report.trend])
    markers = [s for s in _shapes(drawing.contents[0].draw()) if isinstance(s, Marker)]
    assert len(markers) == 1


def _save_unit_settings(client, unit, **extra):
    url = f"/admin/units/{unit.id}"
    token = csrf_from(client.get(url).get_data(as_text=True))
    form = {"code": unit.code, "name": unit.name, "level": unit.level, "timezone": unit.timezone, "active": "y",
            "report_place": "Jakarta", "head_title": "Direktur Jenderal Pemberdayaan Sosial",
            "head_name": "Dr. Sri Wahyuni, M.Si.", "head_nip": "197001012000032001", "csrf_token": token}
    if unit.parent_id:
        form["parent_id"] = unit.parent_id
    form.update(extra)
    return client.post(url, data=form, content_type="multipart/form-data")


def test_admin_fills_the_signature_block_and_logo_for_the_closing_page_and_cover(app, client, data):
    login(client, "admin@x.id")
    response = _save_unit_settings(client, data["dayasos"], logo=(io.BytesIO(_png()), "logo kementerian.png"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    unit = db.session.scalar(select(Unit).where(Unit.code == "DAYASOS"))
    db.session.refresh(unit)
    assert unit.report_place == "Jakarta" and unit.head_nip == "197001012000032001"
    assert re.fullmatch(r"[0-9a-f]{32}\.png", unit.logo_file)
    path = unit_logo.path_for(unit.logo_file, app.instance_path)
    assert path is not None
    with Image.open(path) as stored, Image.open(io.BytesIO(_png())) as sent:  # re-encoded, same picture
        assert stored.format == "PNG" and stored.size == sent.size
        assert stored.convert("RGB").tobytes() == sent.convert("RGB").tobytes()

    pdf = client.get(f"/laporan/ikm.pdf?period=2025&unit={unit.id}").data  # admins read reports too
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages[0].images) == 1
    last = " ".join(reader.pages[-1].extract_text().split())
    assert re.search(r"Jakarta, \d{1,2} \w+ 20\d\d", last)
    for needle in ("Mengetahui,", "Direktur Jenderal Pemberdayaan Sosial", "Dr. Sri Wahyuni, M.Si.",
                   "NIP 197001012000032001"):
        assert needle in last, needle

    # the admin removes the logo: the file goes, the cover has no image
    assert _save_unit_settings(client, unit, remove_logo="y").status_code == 302
    db.session.refresh(unit)
    assert unit.logo_file is None and not Path(path).exists()


@pytest.mark.parametrize("payload,name,message", [
    (b"bukan gambar sama sekali", "logo.png", "bukan gambar PNG atau JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "logo.png", "bukan gambar PNG atau JPEG"),
    (None, "logo.gif", "harus berupa gambar PNG atau JPEG"),
    (b"x" * (unit_logo.MAX_BYTES + 1), "logo.jpg", "terlalu besar"),
])
def test_logo_upload_is_validated_as_an_image(client, data, payload, name, message):
    if payload is None:
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        payload = out.getvalue()
    login(client, "admin@x.id")
    response = _save_unit_settings(client, data["dayasos"], logo=(io.BytesIO(payload), name))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, data["dayasos"].id).logo_file is None


def test_closing_page_without_settings_leaves_out_what_is_missing(data):
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    last = _pages(pdf_report.render_pdf(report, generated_at=GENERATED))[-1]
    assert "Mengetahui," in last and "30 November 2026" in last
    assert "Pimpinan Unit DAYASOS" in last
    assert "NIP" not in last and "None" not in last


def test_laporan_hasil_skm_follows_the_regulation(client, data):
    login(client, "analis@x.id")
    response = client.get(f"/laporan/ikm.laporan-skm?period=2025&unit={data['dayasos'].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="laporan-hasil-skm-dayasos-2025.pdf"' in response.headers["Content-Disposition"]
    pages = _pages(response.data)
    text = "\n".join(pages)
    assert "Laporan Hasil Survei Kepuasan Masyarakat" in " ".join(pages[0].split())
    order = [text.index(h) for h in ("BAB I PENDAHULUAN", "BAB II PENGUMPULAN DATA", "BAB III HASIL",
                                     "BAB IV ANALISIS", "BAB V KESIMPULAN", "BAB VI RENCANA TINDAK LANJUT")]
    assert order == sorted(order)
    assert "PermenPAN-RB Nomor 14 Tahun 2017" in text
    assert "1 Januari 2025" in text and "31 Desember 2025" in text  # the period
    assert "kuesioner" in text and "Krejcie" in text
    report = ikm_report.build_report(data["dayasos"], parse_period("2025"))
    assert format_id(report.headline.score, 2) in text
    lowest = report.headline.lowest_unsur
    assert f"{lowest} " in text and "terendah" in text
    assert "Waktu pelayanan" in text and "Biaya/tarif" in text  # kritik themes
    closing = next(i for i, page in enumerate(pages) if "Mengetahui," in page)
    assert "PENUTUP" in pages[closing] and "BAB VI" in "\n".join(pages[:closing])
    assert "Lampiran: Kritik dan saran" in "\n".join(pages[closing + 1:])


def test_cli_laporan_skm(app, data, tmp_path):
    out = tmp_path / "laporan.pdf"
    result = app.test_cli_runner().invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025",
                                                "--format", "laporan-skm", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "BAB I PENDAHULUAN" in "\n".join(_pages(out.read_bytes()))


def test_kritik_themes_count_and_keep_examples():
    items = [{"text": "Antrian lama sekali"}, {"text": "antre panjang, waktu tunggu lama"},
             {"text": "Petugas judes"}, {"text": "terima kasih"}, {"text": "Ada pungli di loket"}]
    themes = {t.label: t for t in kritik_themes.group(items)}
    assert themes["Waktu pelayanan"].count == 2
    assert themes["Perilaku petugas"].count == 1 and themes["Biaya/tarif"].count == 1
    assert themes["Lainnya"].count == 1 and themes["Lainnya"].examples == ["terima kasih"]
    assert [t.label for t in kritik_themes.group(items)][0] == "Waktu pelayanan"  # most frequent first
