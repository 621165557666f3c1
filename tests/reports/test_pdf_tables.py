"""No table header or cell in the IKM PDFs runs into its neighbour (issue 15 follow-up: the Laporan SKM's
4.1 and 4.3 printed "NRR" over "Nilai konversi" and "Dibanding berikutnya" over "Layanan")."""
import random

import pytest

from app.extensions import db
from app.models import ServicePopulation
from tests.helpers import login
from tests.pdf_tables import overflowing_cells, recorded_tables
from tests.report_data import insert_rows, make_rows

NAMES = ("Izin Penyelenggaraan Pengumpulan Uang atau Barang oleh Masyarakat Umum",
         "Izin Penyelenggaraan Undian Gratis Berhadiah untuk Masyarakat Umum",
         "Layanan Kewirausahaan Sosial (Pahlawan Ekonomi Nusantara)")


@pytest.fixture()
def data(tree, make_layanan, make_user):
    """Three layanan with different scores (so 4.3 compares them), one with a population, two years
    (so the comparison with the previous period is drawn), a layanan in a sub-unit (the unit recap)."""
    rng = random.Random(7)
    lays = [make_layanan(f"lay-{i}", unit, name=name)
            for i, (name, unit) in enumerate(zip(NAMES, (tree["dayasos"], tree["psds"], tree["dayasos"]), strict=True))]
    rows = make_rows(lays[0], "2025-02", 30, rng) + make_rows(lays[1], "2025-03", 24, rng)
    rows += make_rows(lays[2], "2025-04", 18, rng) + make_rows(lays[0], "2024-05", 20, rng)
    rows[0]["kritik_saran"] = "Antrian terlalu lama, petugas kurang ramah"
    insert_rows(rows)
    db.session.add(ServicePopulation(layanan_id=lays[0].id, period="2025", population=400))
    db.session.commit()
    make_user("analis@x.id", "analyst", tree["dayasos"])
    return tree


@pytest.mark.parametrize("fmt", ["laporan-skm", "pdf"])
def test_every_table_cell_fits_its_column(client, data, fmt):
    login(client, "analis@x.id")
    with recorded_tables() as tables:
        response = client.get(f"/laporan/ikm.{fmt}?period=2025&unit={data['dayasos'].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert len(tables) >= 6
    problems = overflowing_cells(tables)
    assert problems == [], "\n".join(problems)


def test_the_check_finds_an_overflowing_header():
    """The measure itself: "Dibanding berikutnya" in a 2 cm column does not fit; "n" does."""
    from reportlab.lib.units import cm

    from app.reports.pdf_base import table

    with recorded_tables() as tables:
        table([["n", "Dibanding berikutnya"], ["1", "2"]], [1 * cm, 2 * cm])
    assert [found.split(":")[0] for found in overflowing_cells(tables)] == ['header "Dibanding berikutnya"']
