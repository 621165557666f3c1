"""/api/v1 reference reads: pendamping types, checklists, programmes, poverty lines (every role, whole
national lists) and the pendamping registry (scoped as the check form and the admin registry). A
script that knows only these endpoints can record a pendamping check."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.core import transaction
from app.extensions import db
from app.models import IncomeProgram, Pendamping, PendampingCheck, PendampingType, PovertyLine
from app.models.pendamping import DEFAULT_CRITERIA, DEFAULT_PENDAMPING_TYPES
from app.monitoring import checklists, reference
from tests.api.helpers import bearer, token_for
from tests.monitoring_fixtures import ptype, region

ROLES = ("mon_a", "mon_b", "mon_ntt", "analyst", "analyst_out", "admin")


@pytest.fixture()
def world(field):
    lines = [PovertyLine(province=region("32"), period="2025-03", extreme_line=350_000, poverty_line=520_000,
                         source="BPS Jawa Barat"),
             PovertyLine(province=region("53"), period="2025-03", extreme_line=380_000, poverty_line=560_000,
                         source="BPS NTT", is_demo=True)]
    db.session.add_all(lines)
    rehsos = Pendamping(identifier="REH-001", name="Rina", type=ptype("PKH"), unit=field["tree"]["rehsos"],
                        region=region("32.73"), status="aktif")
    retired = Pendamping(identifier="PKH-009", name="Lama", type=ptype("PKH"), unit=field["tree"]["dayasos"],
                         region=region("32.73"), status="berhenti", status_date=date(2025, 2, 1))
    tagana = Pendamping(identifier="TGN-001", name="Tono", type=ptype("TAGANA"), unit=field["tree"]["dayasos"],
                        region=region("32.04"), status="aktif")
    db.session.add_all([rehsos, retired, tagana])
    transaction.commit()
    return {**field, "lines": lines}


def _walk(client, path: str, secret: str) -> list[dict]:
    items, cursor = [], None
    for _ in range(50):
        sep = "&" if "?" in path else "?"
        answer = client.get(f"{path}{sep}limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=bearer(secret))
        assert answer.status_code == 200, (path, answer.json)
        items += answer.json["items"]
        cursor = answer.json["next"]
        if cursor is None:
            return items
    raise AssertionError("cursor never ended")


def test_national_reference_lists_are_the_same_for_every_role(client, world):
    seen = {}
    for who in ROLES:
        secret = token_for(world["users"][who])
        types = client.get("/api/v1/monitoring/pendamping-types", headers=bearer(secret))
        programs = client.get("/api/v1/monitoring/programs", headers=bearer(secret))
        assert types.status_code == programs.status_code == 200
        assert "next" not in types.json and "next" not in programs.json  # small lists come whole
        seen[who] = (types.json["items"], programs.json["items"], _walk(client, "/api/v1/monitoring/checklists",
                                                                          secret),
                     _walk(client, "/api/v1/monitoring/poverty-lines", secret))
    assert all(value == seen["admin"] for value in seen.values())
    types, programs, versions, lines = seen["admin"]
    assert [t["code"] for t in types] == [code for code, _ in DEFAULT_PENDAMPING_TYPES]
    for item in types:
        assert item["checklist_version_id"] == checklists.version_in_force(item["id"]).id
    assert {p["code"] for p in programs} == set(db.session.scalars(select(IncomeProgram.code)))
    assert len(versions) == len(types)
    assert all([c["code"] for c in v["criteria"]] == [code for code, *_ in DEFAULT_CRITERIA] for v in versions)
    assert all(c["mandatory"] is True for v in versions for c in v["criteria"])
    assert [(line["province_code"], line["poverty_line"], line["is_demo"]) for line in lines] == [
        ("32", 520_000, False), ("53", 560_000, True)]
    ntt = _walk(client, f"/api/v1/monitoring/poverty-lines?province_id={region('53').id}",
                token_for(world["users"]["mon_a"]))
    assert [line["source"] for line in ntt] == ["BPS NTT"]


def test_checklist_versions_after_a_new_version_is_published(client, world):
    pkh = ptype("PKH")
    first = checklists.version_in_force(pkh.id)
    second, errors = reference.publish_checklist(pkh, "K1 | Pelayanan | wajib\nK9 | Baru | opsional",
                                                 actor=world["users"]["admin"])
    assert errors == []
    transaction.commit()
    secret = token_for(world["users"]["analyst"])
    versions = _walk(client, "/api/v1/monitoring/checklists?type=PKH", secret)
    assert [(v["id"], v["version"], v["active"]) for v in versions] == [(first.id, 1, False), (second.id, 2, True)]
    in_force = _walk(client, "/api/v1/monitoring/checklists?type=pkh&active=true", secret)
    assert [v["id"] for v in in_force] == [second.id]
    assert in_force[0]["criteria"] == [{"code": "K1", "text": "Pelayanan", "mandatory": True},
                                       {"code": "K9", "text": "Baru", "mandatory": False}]
    assert len(_walk(client, "/api/v1/monitoring/checklists?active=false", secret)) == 1
    detail = client.get(f"/api/v1/monitoring/checklists/{first.id}", headers=bearer(secret))
    assert detail.status_code == 200 and detail.json["active"] is False and detail.json["type_code"] == "PKH"
    missing = client.get("/api/v1/monitoring/checklists/999999", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    types = client.get("/api/v1/monitoring/pendamping-types", headers=bearer(secret)).json["items"]
    assert next(t for t in types if t["code"] == "PKH")["checklist_version_id"] == second.id


def test_pendamping_registry_is_scoped_as_the_form_and_the_admin_registry(client, world):
    users = world["users"]
    expected = {
        "mon_a": {"PKH-001", "PKH-002", "PKH-009", "TGN-001"},  # Jawa Barat only, own unit only
        "mon_ntt": {"PKH-003"},
        "mon_b": {"PKH-001", "PKH-002", "PKH-003", "PKH-009", "TGN-001"},  # no region: the whole unit
        "admin": {"PKH-001", "PKH-002", "PKH-003", "PKH-009", "TGN-001", "REH-001"},
    }
    for who, identifiers in expected.items():
        assert {p["identifier"] for p in _walk(client, "/api/v1/monitoring/pendamping",
                                               token_for(users[who]))} == identifiers, who
    mon_a = token_for(users["mon_a"])
    active_pkh = _walk(client, "/api/v1/monitoring/pendamping?type=PKH&status=aktif", mon_a)
    assert {p["identifier"] for p in active_pkh} == {"PKH-001", "PKH-002"}
    assert all(p["type_code"] == "PKH" for p in active_pkh)
    for who in ("analyst", "analyst_out"):  # analysts have no registry page either
        refused = client.get("/api/v1/monitoring/pendamping", headers=bearer(token_for(users[who])))
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"


def test_a_script_records_a_check_from_discovered_ids_and_codes_only(client, world):
    """What docs/API.md shows: type -> checklist in force -> its criterion codes -> a pendamping -> POST."""
    secret = token_for(world["users"]["mon_a"], "write")
    headers = bearer(secret)
    types = client.get("/api/v1/monitoring/pendamping-types", headers=headers).json["items"]
    pkh = next(t for t in types if t["code"] == "PKH")
    version = client.get(f"/api/v1/monitoring/checklists/{pkh['checklist_version_id']}", headers=headers).json
    people = client.get("/api/v1/monitoring/pendamping?type=PKH&status=aktif&limit=1", headers=headers).json
    body = {"instance_id": str(uuid.uuid4()), "pendamping_id": people["items"][0]["id"], "period": "2025",
            "visit_date": "2025-05-10", "method": "kunjungan", "checklist_version_id": version["id"],
            "answers": {c["code"]: True for c in version["criteria"]}}
    created = client.post("/api/v1/monitoring/checks", json=body, headers=headers)
    assert created.status_code == 201, created.json
    db.session.expire_all()
    stored = db.session.scalar(select(PendampingCheck))
    assert stored.optimal is True and stored.checklist_version_id == version["id"]
    assert stored.pendamping_id == people["items"][0]["id"] and stored.monitor_id == world["users"]["mon_a"].id
    # after a new checklist version the discovered id is outdated: refused, not judged against old criteria
    reference.publish_checklist(db.session.get(PendampingType, pkh["id"]), "K1 | x | wajib",
                                actor=world["users"]["admin"])
    transaction.commit()
    second = people["items"][0]["id"]
    other = next(p for p in client.get("/api/v1/monitoring/pendamping?type=PKH&status=aktif",
                                       headers=headers).json["items"] if p["id"] != second)
    stale = client.post("/api/v1/monitoring/checks", json={**body, "instance_id": str(uuid.uuid4()),
                                                           "pendamping_id": other["id"]}, headers=headers)
    assert stale.status_code == 422 and "checklist_version_id" in stale.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(PendampingCheck)) == 1


@pytest.mark.parametrize(("path", "query"), [
    ("/api/v1/monitoring/checklists", "active=mungkin"), ("/api/v1/monitoring/checklists", "type=" + "x" * 41),
    ("/api/v1/monitoring/checklists", "limit=0"), ("/api/v1/monitoring/checklists", "cursor=%00"),
    ("/api/v1/monitoring/poverty-lines", "province_id=abc"), ("/api/v1/monitoring/poverty-lines", "province_id=0"),
    ("/api/v1/monitoring/poverty-lines", "cursor=aWQ6LTE"), ("/api/v1/monitoring/pendamping", "status=pensiun"),
    ("/api/v1/monitoring/pendamping", "limit=9999"), ("/api/v1/monitoring/pendamping", "type=" + "x" * 41),
])
def test_bad_query_values_are_problems(client, world, path, query):
    answer = client.get(f"{path}?{query}", headers=bearer(token_for(world["users"]["admin"])))
    assert answer.status_code in (400, 422), (path, query, answer.status_code)
    assert answer.mimetype == "application/problem+json" and answer.json["detail"]
    assert not any("Must" in m or "Not a valid" in m for ms in answer.json.get("errors", {}).values()
                   for m in (ms if isinstance(ms, list) else [ms]))
