"""A rate limit checked by the view itself, on Flask-Limiter's own storage and strategy.

Why not `@limiter.limit` on the survey POST: profiling the POST (issue 14) put
Flask-Limiter's per-request machinery (limit resolution, exemption scopes as enum
flags, request-context bookkeeping, header injection) at about a tenth of the
request, for what is one counter increment per limit. This does the same check:
the same limits string, the same storage (RATELIMIT_STORAGE_URI) and fixed-window
strategy, one counter per client address and scope, the first exceeded limit
refusing the request with the usual 429 page or JSON and a Retry-After header.
The API's per-token limit (app/api/routes.py) works the same way.
"""
from __future__ import annotations

import functools
import math
import time

from flask import Flask, request
from flask_limiter.util import get_remote_address
from limits import parse_many

from app.core.errors import error_response
from app.extensions import limiter

# Endpoints whose view counts its own limit with refused() and carry no Flask-Limiter limit. An endpoint
# given an @limiter.limit must not be here.
COUNTED_BY_THE_VIEW = frozenset({"skm.form"})


@limiter.request_filter
def _counted_by_the_view() -> bool:
    return request.endpoint in COUNTED_BY_THE_VIEW


def init_app(app: Flask) -> None:
    """Call Flask-Limiter's before-request check only for endpoints it limits (after limiter.init_app).

    Why: Flask-Limiter walked its limit resolution for the survey POST on every request,
    about 5 % of its CPU (issue 14). Its request filter (above) empties the limits, but
    the walk (exemption scopes, meta limits, its request context) still ran: about 3 %.
    """
    hooks = app.before_request_funcs.setdefault(None, [])
    position = hooks.index(limiter._check_request_limit)
    check = hooks[position]

    def check_unless_counted_by_the_view() -> None:
        if request.endpoint not in COUNTED_BY_THE_VIEW:
            check()

    hooks[position] = check_unless_counted_by_the_view


@functools.lru_cache(maxsize=32)
def _parsed(limits: str) -> tuple:
    return tuple(parse_many(limits))


def refused(limits: str, scope: str):
    """Count this request against every limit of `limits` ("120 per minute;2000 per hour") for the
    client's address in `scope`; a 429 response when one is exceeded, else None."""
    key = get_remote_address()
    for item in _parsed(limits):
        if not limiter.limiter.hit(item, scope, key):
            response = error_response(429)
            reset_at = limiter.limiter.get_window_stats(item, scope, key).reset_time
            response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
            return response
    return None
