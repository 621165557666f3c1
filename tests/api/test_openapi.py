"""The OpenAPI document and the self-hosted docs page."""
from __future__ import annotations

import re

EXPECTED = {
    ("get", "/api/v1/units"), ("get", "/api/v1/layanan"), ("get", "/api/v1/regions"),
    ("get", "/api/v1/skm/responses"), ("post", "/api/v1/skm/responses"), ("get", "/api/v1/reports/ikm"),
    ("get", "/api/v1/monitoring/checks"), ("post", "/api/v1/monitoring/checks"),
    ("get", "/api/v1/monitoring/income-samples"), ("post", "/api/v1/monitoring/income-samples"),
    ("get", "/api/v1/indicators"), ("get", "/api/v1/indicators/{indicator_id}"),
    ("get", "/api/v1/monitoring/pendamping-types"), ("get", "/api/v1/monitoring/checklists"),
    ("get", "/api/v1/monitoring/checklists/{version_id}"), ("get", "/api/v1/monitoring/programs"),
    ("get", "/api/v1/monitoring/poverty-lines"), ("get", "/api/v1/monitoring/pendamping"),
}


def _refs(node, found: set):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value)
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def test_openapi_document_is_structurally_valid(client, app):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    spec = answer.json
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"] and spec["info"]["version"] == "v1"
    operations = {(m, p) for p, item in spec["paths"].items() for m in item if m != "parameters"}
    assert operations == EXPECTED
    ids = []
    for path, item in spec["paths"].items():
        assert path.startswith("/api/v1/")
        for param in item.get("parameters", []):  # path parameters, shared by the path's operations
            assert param["in"] == "path" and param["required"] is True and "schema" in param
            assert "{" + param["name"] + "}" in path
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["responses"], (method, path)
            assert all(re.fullmatch(r"[1-5]\d\d|default", code) for code in op["responses"])
            ids.append(op.get("operationId", f"{method} {path}"))
            for param in op.get("parameters", []):
                assert param["in"] in ("query", "path", "header") and "schema" in param
            if method == "post":
                assert "application/json" in op["requestBody"]["content"]
    assert len(ids) == len(set(ids))
    for ref in _refs(spec, set()):
        _, _, kind, name = ref.split("/")
        assert kind in ("schemas", "responses") and name in spec["components"][kind], ref
    assert set(spec["components"]["schemas"]["Problem"]["properties"]) >= {"type", "title", "status", "detail"}
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearer": []}]


def test_docs_page_is_self_hosted_and_public(client):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "openapi.json" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    assert "<style" not in html and " style=" not in html  # the CSP allows no inline style
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert len(re.findall(r'(?:src|href)="/static/', html)) == 2
