"""$metadata is CSDL 4.0 XML; the service document lists what the role may read; Excel's walk works."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from tests.api.helpers import bearer
from tests.odata.conftest import basic
from tests.odata.walker import EDM, EDMX, parse_metadata, read_like_excel

PRIMITIVES = {"Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.Decimal", "Edm.String", "Edm.Boolean",
              "Edm.Date", "Edm.DateTimeOffset", "Edm.Guid"}
ALL_SETS = {"JawabanSkm", "RingkasanIkm", "Indikator", "PemeriksaanPendamping", "SampelPendapatan"}


def test_metadata_is_csdl_4(client, world):
    answer = client.get("/odata/v1/$metadata", headers=bearer(world["secrets"]["analyst"]))
    assert answer.status_code == 200 and answer.mimetype == "application/xml"
    assert answer.headers["OData-Version"] == "4.0"
    root = ET.fromstring(answer.data)  # noqa: S314 - our own server's CSDL
    assert root.tag == f"{EDMX}Edmx" and root.get("Version") == "4.0"
    schema = root.find(f"{EDMX}DataServices/{EDM}Schema")
    assert schema is not None and schema.get("Namespace") == "Pantau"
    for prop in schema.iter(f"{EDM}Property"):
        assert prop.get("Type") in PRIMITIVES, prop.attrib
    sets = parse_metadata(answer.data)
    assert set(sets) == ALL_SETS
    assert sets["RingkasanIkm"]["keys"] == ["layanan_id", "period"]
    assert sets["Indikator"]["keys"] == ["id", "tahun"]
    assert sets["JawabanSkm"]["props"]["submitted_at"] == ("Edm.DateTimeOffset", False)
    assert sets["RingkasanIkm"]["props"]["ikm"][0] == "Edm.Decimal"
    assert sets["SampelPendapatan"]["props"]["nik"] == ("Edm.String", False)


def test_service_document_lists_what_the_role_reads(client, world):
    secrets = world["secrets"]
    admin = client.get("/odata/v1/", headers=basic(secrets["admin"]))
    assert admin.status_code == 200 and admin.headers["OData-Version"] == "4.0"
    assert admin.data.startswith(b'{"@odata.context"')  # the context comes first, as OData JSON requires
    assert {s["name"] for s in admin.json["value"]} == ALL_SETS
    monitor = client.get("/odata/v1/", headers=basic(secrets["mon_a"]))
    assert {s["name"] for s in monitor.json["value"]} == {"PemeriksaanPendamping", "SampelPendapatan"}
    for name in ("JawabanSkm", "RingkasanIkm", "Indikator"):
        refused = client.get(f"/odata/v1/{name}", headers=basic(secrets["mon_a"]))
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        assert "Peran" in refused.json["detail"]
    missing = client.get("/odata/v1/Tidakada", headers=basic(secrets["admin"]))
    assert missing.status_code == 404 and "tidak ada" in missing.json["detail"]


def test_excel_walk_reads_every_set_with_typed_values(client, world):
    """Service document, $metadata, each set and its nextLinks, as Excel does; every value has its type."""
    sets = read_like_excel(client, basic(world["secrets"]["admin"]))
    assert len(sets["JawabanSkm"]) == 9
    assert {(r["layanan_id"], r["period"]) for r in sets["RingkasanIkm"]} == {
        (world["inside"].id, "2025-03"), (world["inside"].id, "2025-04"), (world["outside"].id, "2025-03")}
    assert len(sets["PemeriksaanPendamping"]) == 1 and len(sets["SampelPendapatan"]) == 1
    assert sets["SampelPendapatan"][0]["nik"] == "************0001"
    assert {r["kode"] for r in sets["Indikator"]} == {"IKU-D", "IKU-R"}
