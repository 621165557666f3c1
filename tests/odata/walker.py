"""A client that reads the feed as Excel's "Dari Umpan OData" does: service document, then $metadata,
then each entity set, following @odata.nextLink until there is none."""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+0[789]:00$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def local(url: str) -> str:
    """The path and query of an absolute link, for the Flask test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse_metadata(xml: bytes) -> dict[str, dict]:
    """{entity set: {"keys": [...], "props": {name: (type, nullable)}}} from a CSDL document."""
    root = ET.fromstring(xml)  # noqa: S314 - our own server's CSDL
    assert root.tag == f"{EDMX}Edmx" and root.get("Version") == "4.0"
    schema = root.find(f"{EDMX}DataServices/{EDM}Schema")
    namespace = schema.get("Namespace")
    types = {}
    for entity_type in schema.findall(f"{EDM}EntityType"):
        props = {p.get("Name"): (p.get("Type"), p.get("Nullable") != "false")
                 for p in entity_type.findall(f"{EDM}Property")}
        keys = [ref.get("Name") for ref in entity_type.findall(f"{EDM}Key/{EDM}PropertyRef")]
        assert keys and all(k in props and not props[k][1] for k in keys)
        types[f"{namespace}.{entity_type.get('Name')}"] = {"keys": keys, "props": props}
    container = schema.find(f"{EDM}EntityContainer")
    return {s.get("Name"): types[s.get("EntityType")] for s in container.findall(f"{EDM}EntitySet")}


def check_value(edm: str, nullable: bool, value) -> None:
    if value is None:
        assert nullable
    elif edm in ("Edm.Int16", "Edm.Int32", "Edm.Int64"):
        assert isinstance(value, int) and not isinstance(value, bool)
    elif edm in ("Edm.Double", "Edm.Decimal"):
        assert isinstance(value, int | float) and not isinstance(value, bool)
    elif edm == "Edm.Boolean":
        assert isinstance(value, bool)
    elif edm == "Edm.Date":
        assert DATE.match(value), value
    elif edm == "Edm.DateTimeOffset":
        assert OFFSET.match(value), value
    else:
        assert isinstance(value, str)


def walk(client, path: str, headers: dict, max_pages: int = 1000) -> tuple[list[dict], list[dict]]:
    """Every row of an entity set by following nextLinks; also each page's document."""
    rows, pages = [], []
    for _ in range(max_pages):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.headers["OData-Version"] == "4.0"
        document = answer.json
        pages.append(document)
        rows += document["value"]
        if "@odata.nextLink" not in document:
            return rows, pages
        path = local(document["@odata.nextLink"])
    raise AssertionError("nextLink never ended")


def read_like_excel(client, headers: dict) -> dict[str, list[dict]]:
    """Service document -> $metadata -> each listed set, every page; each value checked against its type."""
    service = client.get("/odata/v1/", headers=headers)
    assert service.status_code == 200 and service.json["@odata.context"].endswith("/odata/v1/$metadata")
    metadata = client.get(local(service.json["@odata.context"]), headers=headers)
    assert metadata.status_code == 200 and metadata.mimetype == "application/xml"
    sets = parse_metadata(metadata.data)
    out = {}
    for entry in service.json["value"]:
        assert entry["kind"] == "EntitySet" and entry["name"] in sets
        shape = sets[entry["name"]]
        rows, pages = walk(client, "/odata/v1/" + entry["url"], headers)
        assert all(page["@odata.context"].endswith(f"$metadata#{entry['name']}") for page in pages)
        for row in rows:
            assert set(row) == set(shape["props"])
            for name, value in row.items():
                check_value(*shape["props"][name], value)
        out[entry["name"]] = rows
    return out
