"""The `Pantau-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

Signing the timestamp with the body lets a receiver refuse replays older than a few minutes
(docs/WEBHOOKS.md shows the check a receiver runs).
"""
from __future__ import annotations

import hashlib
import hmac

HEADER = "Pantau-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (also used by the tests)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
