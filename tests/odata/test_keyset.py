"""Keyset paging: a walk with any `$orderby` gives every row that existed throughout exactly once, even when
rows are added or removed in the part already read; `$skiptoken` is an opaque signed token, and a garbled
one is an Indonesian 400."""
from __future__ import annotations

import dataclasses
from collections import Counter
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import SkmResponse
from app.odata import entities
from tests.factories import store_responses
from tests.odata.conftest import basic
from tests.odata.walker import local, walk


@pytest.fixture()
def admin(world):
    return basic(world["secrets"]["admin"])


def _small_pages(monkeypatch, size: int, name: str = "JawabanSkm"):
    monkeypatch.setitem(entities.ENTITY_SETS, name, dataclasses.replace(entities.ENTITY_SETS[name], page_size=size))


def _all_ids() -> set[int]:
    return set(db.session.scalars(select(SkmResponse.id)))


def _new_ids(before: set[int]) -> list[int]:
    return sorted(_all_ids() - before)


def _walk_changing(client, admin, query: str, change, after_page: int = 2) -> list[dict]:
    """Follow every nextLink; after `after_page` pages call change(rows read so far)."""
    path, rows, pages = f"/odata/v1/JawabanSkm?{query}", [], 0
    while path:
        answer = client.get(path, headers=admin)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        rows += answer.json["value"]
        pages += 1
        if pages == after_page:
            change(rows)
        path = local(answer.json["@odata.nextLink"]) if "@odata.nextLink" in answer.json else None
    return rows


def _delete(response_id: int) -> None:
    db.session.delete(db.session.get(SkmResponse, response_id))
    db.session.commit()


def _assert_each_survivor_once(rows: list[dict], original: set[int], deleted: set[int]) -> None:
    counts = Counter(r["id"] for r in rows)
    assert all(n == 1 for n in counts.values()), counts
    assert original - deleted <= set(counts), sorted(original - deleted - set(counts))


def _inserting(world, month: str, deleted: set[int], **values):
    """A change: two rows that sort into the part already read, and one already-read row deleted."""
    def change(rows):
        before = _all_ids()
        store_responses(world["inside"], {}, 2, month=month)
        if values:
            db.session.execute(update(SkmResponse).where(SkmResponse.id.in_(_new_ids(before))).values(**values))
            db.session.commit()
        victim = rows[1]["id"]
        deleted.add(victim)
        _delete(victim)
    return change


def test_non_unique_orderby_survives_rows_added_and_removed_behind_the_walk(client, world, admin, monkeypatch):
    _small_pages(monkeypatch, 2)
    original, deleted = _all_ids(), set()
    rows = _walk_changing(client, admin, "$orderby=period&$select=id,period",
                          _inserting(world, "2025-01", deleted))  # 2025-01 sorts before every row read
    _assert_each_survivor_once(rows, original, deleted)
    assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)


def test_desc_orderby_survives_rows_added_and_removed_behind_the_walk(client, world, admin, monkeypatch):
    _small_pages(monkeypatch, 2)
    original, deleted = _all_ids(), set()
    rows = _walk_changing(client, admin, "$orderby=submitted_at desc&$select=id,submitted_at",
                          _inserting(world, "2025-06", deleted))  # the newest: first in desc order
    _assert_each_survivor_once(rows, original, deleted)


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_nullable_orderby_walks_the_same_on_both_databases(client, world, admin, monkeypatch, direction):
    """NULL sorts as the smallest value on SQLite and PostgreSQL alike: first ascending, last descending."""
    ids = sorted(_all_ids())
    for response_id, usia in zip(ids, [30, None, 30, 45, None, 20, None, 45, 30], strict=True):
        db.session.execute(update(SkmResponse).where(SkmResponse.id == response_id).values(usia=usia))
    db.session.commit()
    _small_pages(monkeypatch, 2)
    original, deleted = _all_ids(), set()
    # a NULL row sorts first ascending, a 99 first descending: both land in the part already read
    change = _inserting(world, "2025-07", deleted, **({} if direction == "asc" else {"usia": 99}))
    rows = _walk_changing(client, admin, f"$orderby=usia {direction}&$select=id,usia", change)
    _assert_each_survivor_once(rows, original, deleted)
    survivors = [(r["usia"], r["id"]) for r in rows if r["id"] in original]
    if direction == "asc":  # NULL first, then by value, then by key
        expected = sorted(survivors, key=lambda k: (k[0] is not None, k[0] or 0, k[1]))
    else:  # by value descending, NULL last, then by key
        expected = sorted(survivors, key=lambda k: (k[0] is None, -(k[0] or 0), k[1]))
    assert survivors == expected


def test_top_and_skip_with_a_custom_order_across_pages(client, world, admin, monkeypatch):
    every = [r["id"] for r in client.get("/odata/v1/JawabanSkm?$orderby=submitted_at desc,layanan_id&$select=id",
                                         headers=admin).json["value"]]
    _small_pages(monkeypatch, 2)
    rows, pages = walk(client, "/odata/v1/JawabanSkm?$orderby=submitted_at desc,layanan_id&$top=5&$skip=1", admin)
    assert [r["id"] for r in rows] == every[1:6] and len(pages) == 3
    rows, pages = walk(client, "/odata/v1/JawabanSkm?$orderby=period desc&$top=4", admin)
    assert len(rows) == 4 and len(pages) == 2 and "@odata.nextLink" not in pages[-1]


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["$skiptoken"][0]


def test_the_token_is_opaque_signed_and_bound_to_its_order(client, world, admin, monkeypatch):
    from app.odata import paging

    _small_pages(monkeypatch, 2)
    first = client.get("/odata/v1/JawabanSkm?$orderby=period", headers=admin).json
    token = _token(first["@odata.nextLink"])
    assert not token.isdigit() and len(token) <= paging.MAX_TOKEN
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for query in (f"$orderby=period&$skiptoken={quote(tampered)}",
                  f"$orderby=usia desc&$skiptoken={quote(token)}",  # a token of another order
                  f"$skiptoken={quote(token)}",
                  "$skiptoken=2", "$skiptoken=-1", "$skiptoken=", "$skiptoken=%FF%FE", "$skiptoken=a.b.c",
                  "$skiptoken=" + "A" * (paging.MAX_TOKEN + 1)):
        answer = client.get(f"/odata/v1/JawabanSkm?{query}", headers=admin)
        assert answer.status_code == 400, (query[:80], answer.get_data(as_text=True))
        assert answer.mimetype == "application/problem+json" and "$skiptoken" in answer.json["detail"]
    other = client.get(f"/odata/v1/RingkasanIkm?$orderby=period&$skiptoken={quote(token)}", headers=admin)
    assert other.status_code == 400


def test_a_forged_payload_with_a_valid_signature_is_still_a_400(client, app, world, admin):
    """Even a correctly signed token with values of the wrong type is refused before any SQL runs."""
    from app.odata import paging

    signer = paging.serializer(app.config["SECRET_KEY"])
    responses = entities.ENTITY_SETS["JawabanSkm"]
    order = paging.order_mark(responses, paging.sort_columns(responses, []))
    by_period = paging.order_mark(responses, paging.sort_columns(responses, [("period", False)]))
    assert client.get(f"/odata/v1/JawabanSkm?$skiptoken={signer.dumps({'o': order, 'k': [1], 'n': 1})}",
                      headers=admin).status_code == 200  # the shape this server issues
    for payload in ({"o": order, "k": ["x"], "n": 0}, {"o": order, "k": [1, 2], "n": 0},
                    {"o": order, "k": [2**70], "n": 0}, {"o": order, "k": [True], "n": 0},
                    {"o": order, "k": [1], "n": -1}, {"o": order, "k": [1], "n": "1"}, {"o": order, "k": [1]},
                    {"o": order, "r": [1], "h": "x", "n": 0}, {"o": order, "r": ["1"], "h": "0" * 32, "n": 0},
                    {"o": order, "r": [1], "h": "0" * 32, "n": 0},
                    {"o": order, "n": 0}, {"o": by_period, "k": [None, 1], "n": 0},
                    {"o": by_period, "k": ["2025-03", 1.5], "n": 0}, {"o": by_period, "k": [[], 1], "n": 0},
                    [1, 2], "x", None):
        answer = client.get(f"/odata/v1/JawabanSkm?$skiptoken={signer.dumps(payload)}", headers=admin)
        assert answer.status_code == 400, (payload, answer.get_data(as_text=True))


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_an_order_on_every_property_keeps_the_token_short(client, world, admin, monkeypatch, direction):
    """Every orderable type (numbers, text, Boolean, dates, times) in one order: the walk is whole."""
    from app.odata import paging

    names = [p.name for p in entities.ENTITY_SETS["JawabanSkm"].props if p.queryable]
    store_responses(world["inside"], {}, 3, text="x" * 300, month="2025-05")
    _small_pages(monkeypatch, 2)
    order = ",".join(f"{n} {direction}" for n in names)
    rows, pages = walk(client, f"/odata/v1/JawabanSkm?$select=id&$orderby={order}", admin)
    assert len(rows) == len({r["id"] for r in rows}) == 12
    assert all(len(_token(p["@odata.nextLink"])) <= paging.MAX_TOKEN for p in pages[:-1])


def test_long_text_sort_values_keep_the_token_short(client, world, admin, monkeypatch):
    """Ordering on a 2,000-character kritik_saran: the token names the last row by key instead."""
    from app.odata import paging

    store_responses(world["inside"], {}, 5, text="ü" * 1990 + "z", month="2025-05")
    store_responses(world["inside"], {}, 3, text="ü" * 1990 + "a", month="2025-05")
    _small_pages(monkeypatch, 2)
    rows, pages = walk(client, "/odata/v1/JawabanSkm?$orderby=kritik_saran desc&$select=id,kritik_saran", admin)
    assert len(rows) == len({r["id"] for r in rows}) == 17
    assert all(len(_token(p["@odata.nextLink"])) <= paging.MAX_TOKEN for p in pages[:-1])
    texts = [r["kritik_saran"] for r in rows]
    assert texts[:5] == ["ü" * 1990 + "z"] * 5 and texts[5:8] == ["ü" * 1990 + "a"] * 3 and texts[8:] == [None] * 9
    # the price of a short token: if the row it names is then removed, the walk must start again (a 400)
    _delete(rows[1]["id"])
    answer = client.get(local(pages[0]["@odata.nextLink"]), headers=admin)
    assert answer.status_code == 400 and "dari awal" in answer.json["detail"]
