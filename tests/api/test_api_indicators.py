"""/api/v1/indicators: the indicator page's figures (realisasi, interval, target, capaian), scoped as
the page, for analysts and admins only; bad query values are problems, never a 500."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.api import reads
from app.core import transaction
from app.extensions import db
from app.indicators import compute, loader
from app.models import Indicator
from app.monitoring import checklists
from tests.api.helpers import bearer, token_for
from tests.monitoring_fixtures import as_user, ptype

DEFINITIONS = [
    {"unit": "DAYASOS", "code": "IKU-2.1", "name": "Pendamping optimal (manual)", "source": "manual",
     "targets": [{"year": 2025, "revision": "PK Januari", "effective_date": "2025-01-15", "value": 91},
                 {"year": 2025, "revision": "PK Agustus", "effective_date": "2025-08-01", "value": 95}],
     "manual": [{"year": 2025, "n": 330, "t": 370, "population": 2000, "note": "LKj Dayasos 2025"}]},
    {"unit": "DAYASOS", "code": "IKU-2.2", "name": "Pendamping PKH optimal", "source": "pendamping",
     "pendamping_type": "PKH", "targets": [{"year": 2025, "revision": "PK", "effective_date": "2025-01-15",
                                            "value": 60}]},
    {"unit": "DAYASOS", "code": "IKU-2", "name": "Agregat", "source": "aggregate", "aggregate_method": "mean",
     "components": ["IKU-2.1", "IKU-2.2"]},
    {"unit": "REHSOS", "code": "IKU-9", "name": "Milik Rehsos", "source": "manual",
     "manual": [{"year": 2025, "n": 10, "t": 20, "note": "x"}]},
]


@pytest.fixture()
def world(client, field):
    """The catalogue above, and two PKH checks by monitor A through the API: one optimal, one not."""
    loader.load(DEFINITIONS)
    transaction.commit()
    version = checklists.version_in_force(ptype("PKH").id)
    secret = token_for(field["users"]["mon_a"], "write")
    for ident, met in (("PKH-001", True), ("PKH-002", False)):
        body = {"instance_id": str(uuid.uuid4()), "pendamping_id": field["pendamping"][ident].id, "period": "2025",
                "visit_date": "2025-05-10", "method": "kunjungan", "checklist_version_id": version.id,
                "answers": {c.code: met for c in version.criteria}}
        posted = client.post("/api/v1/monitoring/checks", json=body, headers=bearer(secret))
        assert posted.status_code == 201, posted.json
    by_code = {i.code: i for i in db.session.scalars(select(Indicator))}
    return {**field, "ind": by_code}


def _get(client, url: str, secret: str):
    answer = client.get(url, headers=bearer(secret))
    assert answer.status_code == 200, (url, answer.json)
    return answer.json


def test_figures_equal_the_indicator_page_and_the_report(app, client, world):
    analyst = world["users"]["analyst"]
    doc = _get(client, "/api/v1/indicators?year=2025", token_for(analyst))
    assert doc["next"] is None
    by_code = {item["code"]: item for item in doc["items"]}
    assert set(by_code) == {"IKU-2", "IKU-2.1", "IKU-2.2"}
    # the service the page renders (compute.visible_realisasi), serialised as `report indicators` does
    page_rows = {r.indicator.code: compute.realisasi_json(r) for r in compute.visible_realisasi(analyst, 2025)}
    report = {i["code"]: i for i in compute.unit_report("DAYASOS", 2025)["indicators"]}
    for code, item in by_code.items():
        for key in ("value", "n", "t", "population", "sample_share", "ci", "ci_method", "target", "capaian",
                    "flags", "method", "explanations", "note"):
            assert item[key] == page_rows[code][key] == report[code][key], (code, key)
        assert [a["value"] for a in item["alternatives"]] == list(page_rows[code]["alternatives"].values())
        assert item["unit_id"] == world["tree"]["dayasos"].id and item["id"] == world["ind"][code].id
    manual = by_code["IKU-2.1"]
    assert manual["value"] == pytest.approx(330 / 370 * 100)
    assert manual["ci"][0] < manual["value"] < manual["ci"][1] and "Wilson" in manual["ci_method"]
    assert manual["target"] == {"value": 95.0, "revision": "PK Agustus", "effective_date": "2025-08-01"}
    assert manual["capaian"] == pytest.approx(330 / 370 * 100 / 95 * 100)
    pkh = by_code["IKU-2.2"]
    assert (pkh["n"], pkh["t"], pkh["value"]) == (1, 2, 50.0) and pkh["parts"][0]["label"] == "PKH"
    assert pkh["parts"][0]["ci"] == pytest.approx(pkh["ci"])
    aggregate = by_code["IKU-2"]
    assert aggregate["value"] == pytest.approx((330 / 370 * 100 + 50) / 2)
    assert [p["value"] for p in aggregate["parts"]] == pytest.approx([manual["value"], pkh["value"]])
    assert all(a["ci"] is None or len(a["ci"]) == 2 for a in aggregate["alternatives"])
    # the HTML page shows the same figures, with a decimal comma
    html = as_user(app, "analis@x.id").get("/indikator/?year=2025").get_data(as_text=True)
    for value in (manual["value"], manual["capaian"], aggregate["value"]):
        assert f"{value:.2f}".replace(".", ",") in html


def test_detail_follows_the_detail_page_and_its_target_revision(client, world):
    ours, theirs = world["ind"]["IKU-2.1"], world["ind"]["IKU-9"]
    secret = token_for(world["users"]["analyst"])
    detail = _get(client, f"/api/v1/indicators/{ours.id}?year=2025&revision=PK%20Januari", secret)
    expected = reads.indicator_json(compute.compute(ours, 2025, revision="PK Januari"))
    assert detail == expected
    assert detail["target"]["revision"] == "PK Januari"
    assert detail["capaian"] == pytest.approx(330 / 370 * 100 / 91 * 100)
    missing = client.get(f"/api/v1/indicators/{theirs.id}?year=2025", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.json["detail"] == "Indikator tidak ditemukan dalam cakupan Anda."


def test_each_role_and_the_sibling_unit_see_only_their_scope(client, world):
    users, tree = world["users"], world["tree"]
    expected = {"analyst": {"IKU-2", "IKU-2.1", "IKU-2.2"}, "analyst_out": {"IKU-9"},
                "admin": {"IKU-2", "IKU-2.1", "IKU-2.2", "IKU-9"}}
    for who, codes in expected.items():
        secret = token_for(users[who])
        items, cursor = [], None
        for _ in range(10):  # walked one by one: the cursor crosses every row once
            doc = _get(client, "/api/v1/indicators?year=2025&limit=1" + (f"&cursor={cursor}" if cursor else ""),
                       secret)
            items += doc["items"]
            cursor = doc["next"]
            if cursor is None:
                break
        assert sorted(i["code"] for i in items) == sorted(codes), who
        for indicator in world["ind"].values():
            status = client.get(f"/api/v1/indicators/{indicator.id}", headers=bearer(secret)).status_code
            assert status == (200 if indicator.code in codes else 404), (who, indicator.code)
    analyst = token_for(users["analyst"])
    assert _get(client, f"/api/v1/indicators?year=2025&unit_id={tree['rehsos'].id}", analyst)["items"] == []
    admin = token_for(users["admin"])
    assert {i["code"] for i in _get(client, f"/api/v1/indicators?year=2025&unit_id={tree['rehsos'].id}",
                                     admin)["items"]} == {"IKU-9"}
    for monitor in ("mon_a", "mon_b", "mon_ntt"):
        refused = client.get("/api/v1/indicators", headers=bearer(token_for(users[monitor])))
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        detail = client.get(f"/api/v1/indicators/{world['ind']['IKU-2'].id}", headers=bearer(token_for(users[monitor])))
        assert detail.status_code == 403


def test_inactive_indicators_leave_the_list_but_not_the_detail(client, world):
    ours = world["ind"]["IKU-2.1"]
    ours.active = False
    transaction.commit()
    secret = token_for(world["users"]["analyst"])
    assert "IKU-2.1" not in {i["code"] for i in _get(client, "/api/v1/indicators?year=2025", secret)["items"]}
    assert _get(client, f"/api/v1/indicators/{ours.id}?year=2025", secret)["code"] == "IKU-2.1"


BAD_EVERYWHERE = ["year=abc", "year=1999", "year=2101", "year=", "year=1e3"]
BAD_LIST = ["limit=0", "limit=501", "cursor=!!", "cursor=aWQ6eA", "unit_id=0", "unit_id=2147483648", "unit_id=x"]


@pytest.mark.parametrize("query", BAD_EVERYWHERE + BAD_LIST + ["revision=" + "r" * 61])
def test_bad_query_values_are_problems(client, world, query):
    secret = token_for(world["users"]["analyst"])
    paths = []
    if not query.startswith("revision"):
        paths.append("/api/v1/indicators")
    if query in BAD_EVERYWHERE or query.startswith("revision"):
        paths.append(f"/api/v1/indicators/{world['ind']['IKU-2'].id}")
    for path in paths:
        answer = client.get(f"{path}?{query}", headers=bearer(secret))
        assert answer.status_code in (400, 422), (path, query, answer.status_code)
        assert answer.mimetype == "application/problem+json" and answer.json["detail"]
