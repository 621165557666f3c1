"""Shared bits for the SKM survey tests."""
from __future__ import annotations

import re
import time
import uuid

from app.skm import submit as skm_submit

ANSWERS = {"u1": "3", "u2": "4", "u3": "3", "u4": "4", "u5": "3", "u6": "4", "u7": "4", "u8": "2", "u9": "3"}
JSON = {"Accept": "application/json"}


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def payload(layanan_id: int, seconds_ago: int = 60, **overrides) -> dict:
    """A valid submission as the page would post it, rendered `seconds_ago`."""
    data = {
        "instance_id": str(uuid.uuid4()),
        "started": skm_submit.start_token(layanan_id, now=time.time() - seconds_ago),
        "website": "",
        "jenis_kelamin": "L",
        "usia": "41",
        "pendidikan": "D4/S1",
        "pekerjaan": "PNS",
        "respondent_category": "",
        "service_date": "",
        "kritik_saran": "Pelayanan cepat.",
        **ANSWERS,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
