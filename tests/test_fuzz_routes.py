"""A permanent guard (issue 9): hostile input to every route is a 4xx, never a 5xx.

For every URL rule in app.url_map and every method it accepts, anonymous and
signed in as each role, hypothesis generates requests from the classes that
once gave a 500: NUL bytes, whitespace where a choice is expected, Unicode
digits that pass str.isdigit(), integers beyond 64 bits, a 400-digit number,
NaN / Infinity / 1e999, far-off dates, reserved query names (fmt, endpoint,
_method), plus huge strings, malformed JSON and wrong content types. Half the
examples are a plausible, otherwise valid submission with one to three
hostile fields, so the values reach the services and the database rather than
stopping at the first validator.

Each request must answer below 500 and raise nothing. The examples are
derandomized (the same on every run, so CI is stable); FUZZ_EXAMPLES raises
the number per route, method and role (default 5) for a longer local hunt.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (where NUL bytes
and integer ranges matter).
"""
from __future__ import annotations

import io
import os
import uuid
from urllib.parse import quote, urlencode

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import ChecklistVersion, IncomeSample, Indicator, PendampingCheck
from tests.helpers import login
from tests.monitoring_fixtures import as_user, check_payload, income_payload, program, ptype, region

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SKIP_METHODS = {"HEAD", "OPTIONS"}

HOSTILE = [
    "", " ", "\t", "\n", "\r\n", "\x00", "a\x00b", "2025\x00", "²", "٣", "١٢", "１２", "2０25", "-1", "0", "-0",
    str(2**31), str(2**63), str(2**64 + 1), "-" + str(2**64), "9" * 400, "1" * 5000,
    "Infinity", "-Infinity", "NaN", "sNaN", "nan", "inf", "1e999", "-1e999", "1e-999", "1_000", "0x10", "١,٥",
    "9999-12-31", "0000-00-00", "0001-01-01", "2024-02-30", "2025-13-01", "2025-W01", "99999-01-01",
    "x" * 100_000, "' OR 1=1 --", "<script>alert(1)</script>", "%00", "../../etc/passwd", "//evil.example",
    "/%09/evil.example", "\u202e", "\ufeff", "🙂", "L ", " P", "ya ", "TIDAK",
]
RESERVED = ["fmt", "endpoint", "_method", "_external", "_anchor", "_scheme", "values", "next", "csrf_token"]
QUERY_NAMES = ["jenis", "wilayah", "hal", "periode", "program", "hasil", "status", "kelayakan", "tanda", "year",
               "revisi", "unit", "layanan", "region", "period", "exclude_flagged", "next"]
CONTENT_TYPES = ["form", "multipart", "json", "text", "binary"]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)  # no lone surrogates


def _form_field_names() -> list[str]:
    """Every field name of every form in forms/, so POSTs use the names the views read."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm

    import forms

    names = set()
    for info in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"forms.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, FlaskForm) and obj is not FlaskForm:
                names.update(name for name in dir(obj) if not name.startswith("_")
                             and hasattr(getattr(obj, name), "field_class"))
    return sorted(names | {"k_K1", "k_K2", "k_K3", "csrf_token"})


@pytest.fixture()
def world(app, field, make_layanan, make_user):
    """Field-monitoring data plus a layanan, an indicator, one check and one income sample."""
    tree = field["tree"]
    layanan = make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True, region=region("32"))
    make_user("subadmin@x.id", "admin", tree["dayasos"])
    indicator = Indicator(unit=tree["dayasos"], code="IKU-1", name="Pendamping optimal", source="manual")
    db.session.add(indicator)
    db.session.commit()
    monitor = as_user(app, "mona@x.id")
    monitor.post("/pantau/pendamping/catat", data=check_payload(monitor, field["pendamping"]["PKH-001"]))
    monitor.post("/pantau/pendapatan/catat", data=income_payload(monitor))
    for key in ("_login_user", "csrf_token"):
        g.pop(key, None)
    check = db.session.scalar(select(PendampingCheck.id))
    sample = db.session.scalar(select(IncomeSample.id))
    assert check and sample, "the fuzz world needs one record of each kind"
    ids = {
        "unit": tree["dayasos"].id, "root": tree["root"].id, "other_unit": tree["rehsos"].id,
        "layanan": layanan.id, "indicator": indicator.id, "check": check, "sample": sample,
        "user": field["users"]["mon_b"].id, "type": ptype("PKH").id, "program": program("PENA").id,
        "region": region("32.73").id, "province": region("32").id, "pendamping": field["pendamping"]["PKH-001"].id,
        "version": db.session.scalar(select(ChecklistVersion.id).where(ChecklistVersion.active)),
    }
    return {"ids": ids, "layanan": layanan}


def _valid_values(ids: dict) -> dict[str, str]:
    """One plausible value per field name: the base that hostile values are mixed into."""
    return {
        "instance_id": str(uuid.uuid4()), "email": "baru@x.id", "password": "kata-sandi-panjang-baru-987",
        "name": "Nama Uji", "code": "UJI-1", "slug": "uji-layanan", "level": "eselon1", "timezone": "Asia/Jakarta",
        "role": "monitor", "active": "y", "published": "y", "parent_id": str(ids["root"]),
        "unit_id": str(ids["unit"]), "region_id": str(ids["region"]), "layanan_id": str(ids["layanan"]),
        "pendamping_id": str(ids["pendamping"]), "checklist_version_id": str(ids["version"]),
        "program_id": str(ids["program"]), "period": "2025", "visit_date": "2025-05-10", "method": "kunjungan",
        "k_K1": "ya", "k_K2": "tidak", "k_K3": "ya", "latitude": "-6.9", "longitude": "107.6",
        "gps_accuracy_m": "10", "notes": "catatan", "nik": "3273010101900002", "cohort_year": "2025",
        "intervention_date": "2025-01-15", "monitoring_date": "2025-04-20", "household_size": "4",
        "measure": "pendapatan_rt", "income_before": "1000000", "income_after": "1200000",
        "business_status": "berjalan", "reason": "alasan uji", "year": "2025", "revision": "PK Uji",
        "effective_date": "2025-01-10", "value": "90", "n": "5", "t": "10", "population": "100", "note": "sumber",
        "target": "90", "realisasi": "50", "capaian": "55", "sample_share": "10", "polarity": "positive",
        "kind": "percentage", "source": "manual", "ci_method": "wilson", "aggregate_method": "mean",
        "layanan": str(ids["layanan"]), "components": "", "unit": str(ids["unit"]), "region": "32",
        "jenis_kelamin": "L", "usia": "41", "pendidikan": "D4/S1", "pekerjaan": "PNS", "respondent_category": "",
        "service_date": "2025-01-15", "kritik_saran": "saran", "website": "", "criteria": "K1 | teks | wajib",
        "sort_order": "1", "u1": "3", "u2": "4", "u3": "3", "u4": "4", "u5": "3", "u6": "4", "u7": "4", "u8": "2",
        "u9": "3", "remember": "y", "valid_only": "y", "exclude_flagged": "y", "confirm_large": "y",
    }


def _path_value(draw, converter: str, ids: dict, slug: str) -> str:
    if converter == "IntegerConverter" or converter == "BoundedIntegerConverter":
        value = draw(st.one_of(st.sampled_from([str(v) for v in ids.values() if v]),
                               st.integers(min_value=0, max_value=2**70).map(str), st.sampled_from(HOSTILE[:40])))
    elif converter == "PathConverter":
        value = draw(st.one_of(st.sampled_from(["app.css", "js/../app.css", "tidak-ada.js"]), TEXT))
        return quote(value, safe="/")
    else:
        value = draw(st.one_of(st.sampled_from([slug, "DAYASOS", "pdf", "csv", "xlsx", "json", "KEMENSOS"]),
                               st.sampled_from(HOSTILE), TEXT))
    return quote(value, safe="") or "x"


def _hostile_value():
    return st.one_of(st.sampled_from(HOSTILE), TEXT, st.integers().map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def _request(draw, rule, method: str, ids: dict, slug: str, valid: dict, names: list[str]):
    path = rule.rule
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        path = path.replace(f"<{_placeholder(rule, name)}>", _path_value(draw, converter, ids, slug))
    query = draw(st.lists(st.tuples(st.sampled_from(QUERY_NAMES + RESERVED) | TEXT, _hostile_value()), max_size=4))
    if query:
        path += "?" + urlencode(query)
    if method == "GET":
        return path, {}
    body = dict(valid, instance_id=str(uuid.uuid4()))
    overrides = draw(st.dictionaries(st.sampled_from(names + RESERVED) | TEXT, _hostile_value(), min_size=1,
                                     max_size=3))
    if draw(st.booleans()):
        body = {}  # only hostile values, no valid base
    body.update(overrides)
    kind = draw(st.sampled_from(CONTENT_TYPES))
    headers = {"Accept": "application/json"} if draw(st.booleans()) else {}
    if kind == "form":
        return path, {"data": body, "headers": headers}
    if kind == "multipart":
        content = draw(st.sampled_from([b"", b"\x00\xff" * 50, b"a,b\n\x00,2\n", b"PK\x03\x04junk",
                                        "nik;program\n3273\u0663;PENA\n".encode()]))
        body["file"] = (io.BytesIO(content), draw(st.sampled_from(["x.csv", "x.xlsx", "x\x00.csv", "", "x.exe"])))
        return path, {"data": body, "headers": headers, "content_type": "multipart/form-data"}
    if kind == "json":
        raw = draw(st.sampled_from(['{"a": ', "[1, 2", '{"x": NaN}', '"\\u0000"', "null", "{}" * 1000, "\x00"]))
        return path, {"data": raw, "headers": headers, "content_type": "application/json"}
    if kind == "text":
        return path, {"data": urlencode(body), "headers": headers, "content_type": "text/plain"}
    raw = draw(st.binary(max_size=200))
    return path, {"data": raw, "headers": headers, "content_type": "application/x-www-form-urlencoded"}


def _placeholder(rule, name: str) -> str:
    """The text between < and > for argument `name` in rule.rule, e.g. 'int:unit_id'."""
    for part in rule.rule.split("<")[1:]:
        inside = part.split(">")[0]
        if inside.split(":")[-1] == name:
            return inside
    raise AssertionError(f"{name} not in {rule.rule}")


def _targets(app) -> list[tuple[object, str]]:
    pairs = [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods - SKIP_METHODS)]
    # Logging out ends the session the other requests need: do it last.
    return sorted(pairs, key=lambda pair: (pair[0].endpoint == "auth.logout", pair[0].rule, pair[1]))


def _csrf(client) -> str:
    for key in ("_login_user", "csrf_token"):
        g.pop(key, None)
    return client.get("/csrf-token").json["csrf_token"]


def _fuzzer(client, method: str, who: str | None, requests):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(requests)
    def fuzz(request_args):
        path, kwargs = request_args
        for key in ("_login_user", "csrf_token"):
            g.pop(key, None)
        response = client.open(path, method=method, **kwargs)
        assert response.status_code < 500, f"{method} {path[:300]} as {who or 'anonim'}: {response.status_code}"

    return fuzz


@pytest.mark.parametrize("who", [None, "mona@x.id", "monb@x.id", "analis@x.id", "admin@x.id", "subadmin@x.id"])
def test_no_route_answers_5xx_to_hostile_input(app, world, who):
    client = app.test_client()
    if who:
        for key in ("_login_user", "csrf_token"):
            g.pop(key, None)
        assert login(client, who).status_code == 302, f"login as {who} failed"
    valid = _valid_values(world["ids"])
    valid["csrf_token"] = _csrf(client)
    names = _form_field_names()
    slug = world["layanan"].slug
    seen = []

    for rule, method in _targets(app):
        _fuzzer(client, method, who, _request(rule, method, world["ids"], slug, valid, names))()
        seen.append((rule.endpoint, method))
    assert len(seen) == len(_targets(app)) and len(seen) > 50  # every rule and method was exercised
