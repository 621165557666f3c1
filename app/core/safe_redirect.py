"""Where a user may be sent after login: only a path on this site.

`next` comes from the URL, so it is attacker-controlled. Browsers forgive a lot when they
read a Location header: they drop tabs and newlines (`/\t/evil.example` becomes
`//evil.example`, another host), treat a backslash like a slash, and a CR/LF would split
the header (a 500 in Werkzeug). So the rule is an allow-list, not a blacklist: one leading
slash, then printable ASCII only (no spaces, controls, backslashes or non-ASCII), no scheme
and no host. Anything else means "go to the home page".
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LENGTH = 2000
# "/" then printable ASCII without space or backslash, and never "//" at the start.
_PATH_RE = re.compile(r"/(?!/)[!-\[\]-~]*\Z")


def same_site_path(target: str | None) -> str | None:
    """`target` when it is a same-site relative path (with its query), else None."""
    if not target or len(target) > MAX_LENGTH or not _PATH_RE.match(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
