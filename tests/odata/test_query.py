"""$filter, $select, $orderby, $top, $skip, $count, /$count and nextLink, as OData 4.0 specifies them."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from analysis.ikm import compute_ikm
from app.extensions import db
from app.odata import entities
from tests.odata.conftest import basic
from tests.odata.walker import local, walk


@pytest.fixture()
def admin(world):
    return basic(world["secrets"]["admin"])


def _ids(client, admin, query: str, entity_set: str = "JawabanSkm") -> list[int]:
    answer = client.get(f"/odata/v1/{entity_set}?{query}", headers=admin)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [row["id"] for row in answer.json["value"]]


def _small_pages(monkeypatch, size: int, name: str = "JawabanSkm"):
    monkeypatch.setitem(entities.ENTITY_SETS, name, dataclasses.replace(entities.ENTITY_SETS[name], page_size=size))


def test_filter_comparisons_on_period_layanan_unit_and_dates(client, world, admin):
    inside, outside, tree = world["inside"], world["outside"], world["tree"]
    every = _ids(client, admin, "")
    assert len(every) == 9
    assert len(_ids(client, admin, "$filter=period eq '2025-03'")) == 7
    assert len(_ids(client, admin, "$filter=period ne '2025-03'")) == 2
    assert len(_ids(client, admin, "$filter=period gt '2025-03'")) == 2
    assert len(_ids(client, admin, "$filter=period ge '2025-03'")) == 9
    assert len(_ids(client, admin, "$filter=period lt '2025-04'")) == 7
    assert len(_ids(client, admin, "$filter=period le '2025-04'")) == 9
    assert len(_ids(client, admin, f"$filter=layanan_id eq {inside.id}")) == 5
    assert len(_ids(client, admin, f"$filter=layanan_id eq {outside.id} and period eq '2025-03'")) == 4
    assert len(_ids(client, admin, f"$filter=unit_id eq {tree['psds'].id} and period eq '2025-04'")) == 2
    assert len(_ids(client, admin, f"$filter=unit_id in ({tree['psds'].id}, {tree['rehsos'].id})")) == 9
    assert len(_ids(client, admin, "$filter=not (period eq '2025-03') or flagged")) == 2
    # store_responses puts response i at day 1 + i, 03:i UTC: 10:0i WIB. A local-time bound with its offset:
    assert len(_ids(client, admin, "$filter=submitted_at lt 2025-03-02T10:00:00%2B07:00")) == 2
    assert len(_ids(client, admin, "$filter=submitted_at ge 2025-03-02T03:00:00Z and period eq '2025-03'")) == 5
    assert len(_ids(client, admin, "$filter=submitted_at ge 2025-04-01")) == 2  # a date: its UTC midnight
    assert len(_ids(client, admin, "$filter=service_date eq null")) == 9
    assert len(_ids(client, admin, "$filter=visit_date ge 2025-05-10 and visit_date le 2025-05-10",
                    "PemeriksaanPendamping")) == 1
    assert len(_ids(client, admin, "$filter=monitoring_date gt 2025-04-15", "SampelPendapatan")) == 0
    summaries = client.get(f"/odata/v1/RingkasanIkm?$filter=layanan_id eq {inside.id} and period eq '2025-03'",
                           headers=admin).json["value"]
    assert [(s["n"], s["ikm"], s["mutu"]) for s in summaries] == [(3, 94.44, "A")]
    years = client.get("/odata/v1/Indikator?$filter=tahun eq 2022 and unit_kode eq 'DAYASOS'", headers=admin)
    assert [(r["kode"], r["target"], round(r["capaian"], 2)) for r in years.json["value"]] == [("IKU-D", 91, 98.01)]


def test_ikm_summary_equals_the_ikm_of_the_raw_answers(client, world, admin):
    """The summary-table figures agree with analysis.ikm.compute_ikm over the same responses."""
    answers = [{f"U{k}": (2 if k == 3 else 4) for k in range(1, 10)}] * 3
    expected = compute_ikm(answers)
    row = client.get(f"/odata/v1/RingkasanIkm?$filter=layanan_id eq {world['inside'].id} and period eq '2025-03'",
                     headers=admin).json["value"][0]
    assert Decimal(str(row["ikm"])) == expected.score_display and row["mutu"] == expected.grade
    assert row["nrr_u3"] == pytest.approx(expected.nrr["U3"]) and row["tanpa_ditandai_ikm"] == row["ikm"]


def test_times_are_in_the_units_zone_with_its_offset(client, world, admin):
    world["tree"]["rehsos"].timezone = "Asia/Makassar"
    world["tree"]["psds"].timezone = "Asia/Jayapura"
    db.session.commit()
    rows = client.get("/odata/v1/JawabanSkm?$select=layanan_id,submitted_at&$orderby=id", headers=admin).json["value"]
    by_layanan = {r["layanan_id"]: r["submitted_at"] for r in rows}
    assert by_layanan[world["outside"].id].endswith("+08:00")  # WITA
    assert by_layanan[world["inside"].id].endswith("+09:00")  # WIT
    assert rows[0]["submitted_at"] == "2025-03-01T12:00:00+09:00"  # 03:00 UTC


def test_select_top_skip_orderby_and_count(client, world, admin):
    every = _ids(client, admin, "")
    assert every == sorted(every)
    page = client.get("/odata/v1/JawabanSkm?$select=id,period&$top=3&$skip=2&$count=true", headers=admin).json
    assert page["@odata.context"].endswith("$metadata#JawabanSkm(id,period)")
    assert page["@odata.count"] == 9 and [set(r) for r in page["value"]] == [{"id", "period"}] * 3
    assert [r["id"] for r in page["value"]] == every[2:5]
    assert _ids(client, admin, "$orderby=id desc") == every[::-1]
    ordered = client.get("/odata/v1/JawabanSkm?$orderby=period desc,layanan_id asc&$select=id,period,layanan_id",
                         headers=admin).json["value"]
    keys = [(r["period"], r["layanan_id"], r["id"]) for r in ordered]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)
    assert keys == sorted(keys, key=lambda k: (-int(k[0].replace("-", "")), k[1], k[2]))  # key as tiebreaker
    assert _ids(client, admin, "$top=0") == []
    assert _ids(client, admin, "$skip=100") == []
    filtered = client.get("/odata/v1/JawabanSkm?$filter=period eq '2025-04'&$count=true&$top=1", headers=admin).json
    assert filtered["@odata.count"] == 2 and len(filtered["value"]) == 1
    count = client.get("/odata/v1/JawabanSkm/$count?$filter=period eq '2025-03'", headers=admin)
    assert count.status_code == 200 and count.mimetype == "text/plain" and count.get_data(as_text=True) == "7"
    assert client.get("/odata/v1/SampelPendapatan/$count", headers=admin).get_data(as_text=True) == "1"


def test_next_link_pages_and_keeps_the_options(client, world, admin, monkeypatch):
    every = _ids(client, admin, "")
    _small_pages(monkeypatch, 2)
    first = client.get("/odata/v1/JawabanSkm?$filter=period eq '2025-03'&$select=id&$count=true", headers=admin).json
    assert len(first["value"]) == 2 and first["@odata.count"] == 7
    link = first["@odata.nextLink"]
    assert link.startswith("http://localhost/odata/v1/JawabanSkm?") and "$skiptoken=" in link
    rows, pages = walk(client, local(link), admin)
    assert len(pages) == 3 and all(p["@odata.count"] == 7 for p in pages)
    ids = [r["id"] for r in first["value"] + rows]
    assert len(ids) == 7 == len(set(ids)) and all(set(r) == {"id"} for r in rows)
    # $top bounds the whole walk, not one page; $skip shifts it.
    rows, pages = walk(client, "/odata/v1/JawabanSkm?$top=5&$skip=1", admin)
    assert [r["id"] for r in rows] == every[1:6] and len(pages) == 3
    rows, pages = walk(client, "/odata/v1/JawabanSkm?$top=4", admin)
    assert len(rows) == 4 and len(pages) == 2 and "@odata.nextLink" not in pages[-1]
    rows, _ = walk(client, "/odata/v1/JawabanSkm?$orderby=layanan_id desc", admin)
    assert len({r["id"] for r in rows}) == 9


def test_composite_keys_page_without_repeats(client, world, admin, monkeypatch):
    _small_pages(monkeypatch, 1, "RingkasanIkm")
    rows, pages = walk(client, "/odata/v1/RingkasanIkm?$select=layanan_id,period,ikm", admin)
    assert len(pages) == 3 and len({(r["layanan_id"], r["period"]) for r in rows}) == 3
    _small_pages(monkeypatch, 1, "Indikator")
    rows, _ = walk(client, "/odata/v1/Indikator?$select=id,tahun,capaian", admin)
    assert len({(r["id"], r["tahun"]) for r in rows}) == len(rows) == 4


@pytest.mark.parametrize("query, words", [
    ("$filter=bogus eq 1", "tidak ada"),
    ("$filter=contains(period,'2025')", "fungsi"),
    ("$filter=year(submitted_at) eq 2025", "fungsi"),
    ("$filter=usia add 1 eq 3", "aritmetika"),
    ("$filter=period eq 2025", "teks"),
    ("$filter=layanan_id eq '1'", "Int32"),
    ("$filter=id eq 99999999999999999999", "jangkauan"),
    ("$filter=submitted_at ge 2025-01-01T00:00:00", "zona"),
    ("$filter=period eq", "tidak dapat dibaca"),
    ("$filter=ikm gt 80", "dihitung"),
    ("$filter=usia", "perbandingan"),
    ("$orderby=bogus", "tidak ada"),
    ("$orderby=period sideways", "$orderby"),
    ("$select=id,bogus", "tidak ada"),
    ("$top=-1", "$top"),
    ("$skip=abc", "$skip"),
    ("$count=maybe", "$count"),
    ("$expand=x", "tidak didukung"),
    ("$format=xml", "JSON"),
])
def test_bad_options_are_indonesian_400s(client, world, admin, query, words):
    entity_set = "RingkasanIkm" if "ikm" in query else "JawabanSkm"
    answer = client.get(f"/odata/v1/{entity_set}?{query}", headers=admin)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json" and answer.headers["OData-Version"] == "4.0"
    assert words in answer.json["detail"], answer.json["detail"]
