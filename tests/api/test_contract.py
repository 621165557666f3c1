"""Schemathesis against a live loopback server: generated requests from the OpenAPI document, with a
read and a write token, bounded in examples and time; no answer may be a server error, and every
answer must match the documented schema and content type (problem+json for errors)."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.api import writes
from app.core import transaction
from app.extensions import db
from app.indicators import loader
from app.models import PovertyLine
from tests.api.helpers import skm_body, token_for
from tests.api.test_api_indicators import DEFINITIONS
from tests.monitoring_fixtures import region

ST = Path(sys.executable).with_name("schemathesis")


@pytest.fixture()
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="contract-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("scope", ["read", "write"])
def test_generated_requests_never_get_a_server_error(app, live, tree, field, make_user, make_layanan, monkeypatch,
                                                     scope, tmp_path):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    user = make_user("a@x.id", "admin", tree["root"])
    layanan = make_layanan("izin", tree["psds"], active=True)
    writes.submit_response(user, skm_body(layanan.id))
    loader.load(DEFINITIONS)  # indicators with intervals, targets and parts; `field` adds pendamping
    db.session.add(PovertyLine(province=region("32"), period="2025-03", extreme_line=350_000, poverty_line=520_000))
    transaction.commit()
    secret = token_for(user, scope)
    result = subprocess.run(
        [str(ST), "run", f"{live}/api/v1/openapi.json", "--url", f"{live}", "-H", f"Authorization: Bearer {secret}",
         "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance",
         "--max-examples", "15", "--seed", "15", "--request-timeout", "20",
         "--phases", "examples,fuzzing", "--no-color"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path)  # its example cache stays out of the tree
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
