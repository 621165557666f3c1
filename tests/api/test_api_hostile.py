"""Hostile input to every /api/v1 route, with a write token of each role: never a 5xx, always a problem."""
from __future__ import annotations

import pytest

from tests.api.helpers import bearer, token_for

JUNK = ["", "x", "-1", "0", "99999999999999999999999", "1e999", "NaN", "٣", "<b>", "%00", "2025-13", "null",
        "a" * 5000,
        "2147483648", "20339171895",  # just past PostgreSQL's integer: a 500 there, found by schemathesis
        "9885-07-29T19:43:24.685254-19:24", "0001-01-01T00:00:00+14:00"]
BODIES = [None, [], "teks", 1, {"instance_id": None}, {"answers": "x", "layanan_id": "1"},
          {"instance_id": "00000000-0000-0000-0000-000000000000", "layanan_id": 1, "answers": {"u1": 1e308}},
          {"nik": "٣" * 16, "program_id": 2**70}, {"answers": {"x" * 50: True}, "pendamping_id": -5}]
QUERY = ["cursor", "limit", "period", "unit_id", "layanan_id", "updated_since", "exclude_flagged", "other", "year",
         "revision", "type", "active", "province_id", "status"]


@pytest.mark.parametrize("role", ["admin", "analyst", "monitor"])
def test_no_api_route_answers_5xx(app, client, tree, make_user, role):
    user = make_user(f"{role}@x.id", role, tree["dayasos"] if role != "admin" else tree["root"])
    headers = bearer(token_for(user, "write"))
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(rules) >= 9
    for rule in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for junk in JUNK:
                # Every parameter at once, then each alone (one bad value must not hide another).
                queries = ["&".join(f"{name}={junk}" for name in QUERY), *(f"{name}={junk}" for name in QUERY)]
                for query in queries:
                    answer = client.open(f"{rule.rule}?{query}", method=method, headers=headers)
                    assert answer.status_code < 500, (rule.rule, method, query)
            if method == "POST":
                for body in BODIES:
                    answer = client.post(rule.rule, json=body, headers=headers)
                    assert answer.status_code < 500, (rule.rule, body)
                    assert answer.mimetype == "application/problem+json", (rule.rule, body, answer.status_code)


def test_schema_messages_are_indonesian(client, tree, make_user, make_layanan):
    from tests.test_form_messages import ENGLISH

    user = make_user("a@x.id", "admin", tree["root"])
    headers = bearer(token_for(user, "write"))
    bodies = [{}, {"instance_id": "x", "layanan_id": "a", "answers": {"u1": "x" * 9}, "usia": 1e400,
                   "service_date": "kemarin", "lain": 1, "kritik_saran": 5},
              {"instance_id": None, "layanan_id": 0, "answers": [], "usia": -3, "jenis_kelamin": "x" * 9}]
    for body in bodies:
        answer = client.post("/api/v1/skm/responses", json=body, headers=headers)
        assert answer.status_code == 422
        text = str(answer.json)
        assert answer.json["errors"] and not ENGLISH.search(text) and "Must be" not in text, text
    for query in ("limit=x", "limit=0", "updated_since=x", "cursor=" + "x" * 50):
        answer = client.get(f"/api/v1/skm/responses?{query}", headers=headers)
        assert answer.status_code == 422 and not ENGLISH.search(str(answer.json)), answer.json
    broken = client.post("/api/v1/skm/responses", data="{", content_type="application/json", headers=headers)
    assert broken.status_code == 400 and "JSON" in str(broken.json["errors"]) and "Invalid" not in str(broken.json)
