"""Shared bits for the API tests."""
from __future__ import annotations

import uuid

from app.api import tokens
from app.core import transaction

ANSWERS = {"u1": 3, "u2": 4, "u3": 3, "u4": 4, "u5": 3, "u6": 4, "u7": 4, "u8": 2, "u9": 3}


def token_for(user, scope: str = "read", expires_days: int | None = None) -> str:
    issued = tokens.issue(user, name="uji", scope=scope, expires_days=expires_days, actor=user)
    transaction.commit()
    return issued.secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def skm_body(layanan_id: int, **overrides) -> dict:
    body = {"instance_id": str(uuid.uuid4()), "layanan_id": layanan_id, "answers": dict(ANSWERS),
            "jenis_kelamin": "P", "usia": 35, "pendidikan": "D4/S1", "pekerjaan": "PNS",
            "kritik_saran": "Cepat.", "duration_seconds": 240}
    body.update(overrides)
    return body
