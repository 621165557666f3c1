"""Links that carry the current query string.

Query arguments are appended with urlencode, never passed to url_for as
keyword arguments: a visitor's `?fmt=`, `?endpoint=` or `&_method=` would
otherwise collide with url_for's own parameters (a TypeError, i.e. a 500) or
change the link it builds.
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode


def with_query(base: str, args: Mapping[str, str], **changes) -> str:
    """`base` plus the first value of each of `args`, with `changes` applied (None removes a key)."""
    query = {key: value for key, value in args.items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return base + ("?" + urlencode(query) if query else "")
