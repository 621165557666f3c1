"""Downloads resolve the report scope once and build no choice lists (issue 10, "Wasted queries").

A PDF download once ran 21 queries: three choice lists for a filter form it never
shows, the unit and layanan looked up twice, and five recursive unit-tree queries.
Counting the statements sent for one download keeps that from creeping back.
"""
import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.helpers import login
from tests.report_data import insert_rows, make_rows

PDF_LIMIT = 10
DATA_LIMIT = 6


@pytest.fixture()
def data(tree, make_layanan, make_user):
    rng = random.Random(5)
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    b = make_layanan("lay-b", tree["dayasos"], name="Izin PUB")
    insert_rows(make_rows(a, "2025-02", 20, rng) + make_rows(b, "2025-03", 12, rng))
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
    limit = DATA_LIMIT if fmt != "xlsx" else PDF_LIMIT + 2
    assert len(statements) <= limit, "\n---\n".join(statements)
    assert not any("ORDER BY region.code" in s or "ORDER BY layanan.name" in s and "layanan.unit_id IN" not in s
                   for s in statements if "FROM region" in s)
