"""Every entity set is scoped as its page and /api/v1 list: per role, never a sibling unit's rows,
not through $filter, $count, /$count or a nextLink."""
from __future__ import annotations

import dataclasses

import pytest

from app.odata import entities
from tests.odata.conftest import basic
from tests.odata.walker import walk

SETS = ("JawabanSkm", "RingkasanIkm", "Indikator", "PemeriksaanPendamping", "SampelPendapatan")


def _units(client, secret: str, entity_set: str, query: str = "") -> list[str]:
    rows, _ = walk(client, f"/odata/v1/{entity_set}?$select=unit_kode{query}", basic(secret))
    return [r["unit_kode"] for r in rows]


def test_each_role_sees_what_its_pages_show(client, world):
    secrets = world["secrets"]
    expected = {  # rows per set, by unit code, for each scoping test user
        "admin": {"JawabanSkm": {"PSDS": 5, "REHSOS": 4}, "RingkasanIkm": {"PSDS": 2, "REHSOS": 1},
                  "Indikator": {"DAYASOS": 2, "REHSOS": 2}, "PemeriksaanPendamping": {"DAYASOS": 1},
                  "SampelPendapatan": {"DAYASOS": 1}},
        "analyst": {"JawabanSkm": {"PSDS": 5}, "RingkasanIkm": {"PSDS": 2}, "Indikator": {"DAYASOS": 2},
                    "PemeriksaanPendamping": {"DAYASOS": 1}, "SampelPendapatan": {"DAYASOS": 1}},
        "analyst_out": {"JawabanSkm": {"REHSOS": 4}, "RingkasanIkm": {"REHSOS": 1}, "Indikator": {"REHSOS": 2},
                        "PemeriksaanPendamping": {}, "SampelPendapatan": {}},
        "mon_a": {"PemeriksaanPendamping": {"DAYASOS": 1}, "SampelPendapatan": {"DAYASOS": 1}},
        "mon_b": {"PemeriksaanPendamping": {}, "SampelPendapatan": {}},
        "mon_ntt": {"PemeriksaanPendamping": {}, "SampelPendapatan": {}},
    }
    for who, sets in expected.items():
        for entity_set, counts in sets.items():
            seen = _units(client, secrets[who], entity_set)
            assert {code: seen.count(code) for code in set(seen)} == counts, (who, entity_set)
        for entity_set in set(SETS) - set(sets):
            assert client.get(f"/odata/v1/{entity_set}", headers=basic(secrets[who])).status_code == 403


@pytest.mark.parametrize("entity_set", SETS)
def test_sibling_rows_never_appear_through_filter_or_count(client, world, entity_set, monkeypatch):
    """The sibling analyst asks for DAYASOS's rows by every route the feed offers and gets none."""
    tree, inside = world["tree"], world["inside"]
    out = basic(world["secrets"]["analyst_out"])
    theirs = [f"unit_id eq {tree['psds'].id}", f"unit_id eq {tree['dayasos'].id}", "unit_kode eq 'PSDS'",
              f"unit_id ne {tree['rehsos'].id}", f"unit_id in ({tree['psds'].id},{tree['dayasos'].id})",
              f"unit_id eq {tree['dayasos'].id} or unit_id eq {tree['psds'].id} or true"]
    if entity_set in ("JawabanSkm", "RingkasanIkm"):
        theirs.append(f"layanan_id eq {inside.id}")
    for condition in theirs:
        answer = client.get(f"/odata/v1/{entity_set}?$filter={condition}&$count=true&$select=unit_kode",
                            headers=out)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert all(r["unit_kode"] == "REHSOS" for r in answer.json["value"]), condition
        assert answer.json["@odata.count"] == len(answer.json["value"]), condition
        count = client.get(f"/odata/v1/{entity_set}/$count?$filter={condition}", headers=out)
        assert int(count.get_data(as_text=True)) == answer.json["@odata.count"], condition
    monkeypatch.setitem(entities.ENTITY_SETS, entity_set,
                        dataclasses.replace(entities.ENTITY_SETS[entity_set], page_size=1))
    assert set(_units(client, world["secrets"]["analyst_out"], entity_set)) <= {"REHSOS"}
    assert set(_units(client, world["secrets"]["analyst"], entity_set)) <= {"DAYASOS", "PSDS"}


def test_monitors_see_only_their_own_records(client, world):
    for who, count in {"mon_a": 1, "mon_b": 0, "mon_ntt": 0}.items():
        for entity_set in ("PemeriksaanPendamping", "SampelPendapatan"):
            answer = client.get(f"/odata/v1/{entity_set}/$count?$filter=unit_kode eq 'DAYASOS'",
                                headers=basic(world["secrets"][who]))
            assert answer.get_data(as_text=True) == str(count), (who, entity_set)
