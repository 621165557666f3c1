"""Downloads resolve the report scope once and build no choice lists (issue 10, "Wasted queries").

A PDF download once ran 21 queries: three choice lists for a filter form it never
shows, the unit and layanan looked up twice, and five recursive unit-tree queries.
Counting the statements sent for one download keeps that from creeping back.
"""
import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import Region, ServicePopulation
from tests.helpers import login
from tests.report_data import insert_rows, make_rows

PDF_LIMIT = 10  # measured 9 for the compact PDF, 10 for the Laporan SKM (it adds the recorded follow-up)
CSV_LIMIT = 5  # the user, the scope, the row count from skm_summary (queue it when large?), the rows (measured 4)
XLSX_LIMIT = 13  # the report, its response rows, the Kamus categories and the RTL sheet, the row count


@pytest.fixture()
def data(tree, make_layanan, make_user):
    rng = random.Random(5)
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    b = make_layanan("lay-b", tree["dayasos"], name="Izin PUB")
    # Last year too, with a population: the comparison and the trend then have data to read.
    insert_rows(make_rows(a, "2025-02", 20, rng) + make_rows(b, "2025-03", 12, rng) + make_rows(a, "2024-05", 15, rng))
    db.session.add_all([ServicePopulation(layanan_id=a.id, period="2025", population=400),
                        ServicePopulation(layanan_id=a.id, period="2024", population=380)])
    db.session.commit()
    make_user("analis@x.id", "analyst", tree["dayasos"])
    return {"a": a, "b": b, **tree}


@contextmanager
def counted():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _download(client, path: str) -> list[str]:
    client.get("/laporan/?period=2025")  # warm the session: the user's own row is read on every request
    with counted() as statements:
        response = client.get(path)
        body = response.get_data()
    assert response.status_code == 200, body[:300]
    assert body
    return statements


@pytest.mark.parametrize("fmt", ["pdf", "laporan-skm"])
def test_a_pdf_download_takes_at_most_ten_queries(client, data, fmt):
    login(client, "analis@x.id")
    statements = _download(client, f"/laporan/ikm.{fmt}?period=2025&unit={data['dayasos'].id}")
    assert len(statements) <= PDF_LIMIT, "\n---\n".join(statements)


def test_a_layanan_pdf_takes_at_most_ten_queries(client, data):
    login(client, "analis@x.id")
    statements = _download(client, f"/laporan/ikm.pdf?period=2025&layanan={data['a'].id}&region=")
    assert len(statements) <= PDF_LIMIT, "\n---\n".join(statements)


@pytest.mark.parametrize("fmt", ["csv", "csv-id", "xlsx"])
def test_data_downloads_build_no_choice_lists(client, data, fmt):
    login(client, "analis@x.id")
    statements = _download(client, f"/laporan/ikm.{fmt}?period=2025&unit={data['dayasos'].id}")
    assert len(statements) <= (XLSX_LIMIT if fmt == "xlsx" else CSV_LIMIT), "\n---\n".join(statements)
    assert not any("FROM region" in statement for statement in statements)  # no region choice list


def test_a_region_filter_costs_one_query(client, data):
    """The region and its sub-regions come back from one query; the layanan are narrowed without another."""
    jabar = Region(code="32", name="Jawa Barat", level="provinsi")
    db.session.add(Region(code="32.73", name="Kota Bandung", level="kabkota", parent=jabar))
    db.session.flush()
    data["a"].region_id = db.session.scalar(select(Region.id).where(Region.code == "32.73"))
    db.session.commit()
    login(client, "analis@x.id")
    plain = _download(client, f"/laporan/ikm.csv?period=2025&unit={data['dayasos'].id}")
    narrowed = _download(client, f"/laporan/ikm.csv?period=2025&unit={data['dayasos'].id}&region=32")
    assert len(narrowed) == len(plain) + 1
    pdf = _download(client, f"/laporan/ikm.pdf?period=2025&unit={data['dayasos'].id}&region=32")
    assert len(pdf) <= PDF_LIMIT, "\n---\n".join(pdf)


def test_the_laporan_skm_with_tagged_kritik_stays_within_ten_queries(client, data):
    """Tagged answers add the triage catalogue's counts; they must ride on queries the report already runs."""
    from app.core import reference
    from app.followup import triage
    from app.models import KritikTheme, SkmResponse, User

    reference.ensure_defaults()
    analyst = db.session.scalar(select(User).where(User.email == "analis@x.id"))
    theme = db.session.scalar(select(KritikTheme).order_by(KritikTheme.sort_order))
    tagged = db.session.scalars(select(SkmResponse.id).where(SkmResponse.kritik_saran.is_not(None),
                                                             SkmResponse.period.like("2025-%")).limit(3)).all()
    assert tagged
    for response_id in tagged:
        triage.triage(analyst, response_id, "ditindaklanjuti", False, [theme.id], [])
    db.session.commit()
    login(client, "analis@x.id")
    statements = _download(client, f"/laporan/ikm.laporan-skm?period=2025&unit={data['dayasos'].id}")
    assert len(statements) <= PDF_LIMIT, "\n---\n".join(statements)
    assert any("kritik_triage_theme" in statement for statement in statements)  # the tagged counts were read
