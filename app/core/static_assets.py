"""Our JavaScript and CSS are served minified (rjsmin and rcssmin: comments and whitespace
removed, names kept).

The public survey page with everything it loads must stay within 30 KB for
phones on a weak signal (issue 11), while the sources in app/static/js stay
readable and commented. Minified text is computed once per file version (path
and modification time) and served with the same caching headers as any static
file; other static files pass through unchanged.
"""
from __future__ import annotations

import functools
import hashlib
import os

import rcssmin
import rjsmin
from flask import Flask, current_app, make_response, request
from werkzeug.utils import safe_join

MINIFIERS = {  # file ending -> (minifier, Content-Type)
    ".js": (lambda text: rjsmin.jsmin(text, keep_bang_comments=False), "text/javascript; charset=utf-8"),
    ".css": (lambda text: rcssmin.cssmin(text, keep_bang_comments=False), "text/css; charset=utf-8"),
}


@functools.lru_cache(maxsize=64)
def _minified(path: str, mtime: float) -> tuple[bytes, str]:
    minify = MINIFIERS[os.path.splitext(path)[1]][0]
    with open(path, encoding="utf-8") as handle:
        body = minify(handle.read()).encode()
    return body, hashlib.sha256(body).hexdigest()[:20]


def minified_js(path: str) -> bytes:
    """The minified text of one JavaScript file (also used for /sw.js)."""
    return _minified(path, os.path.getmtime(path))[0]


def init_static_assets(app: Flask) -> None:
    original = app.view_functions["static"]

    def static(filename: str):
        ending = os.path.splitext(filename)[1]
        path = safe_join(app.static_folder, filename) if ending in MINIFIERS else None
        if path is None or not os.path.isfile(path):
            return original(filename=filename)
        body, etag = _minified(path, os.path.getmtime(path))
        response = make_response(body)
        response.headers["Content-Type"] = MINIFIERS[ending][1]
        max_age = current_app.get_send_file_max_age(filename)
        if max_age:
            response.cache_control.public = True
            response.cache_control.max_age = max_age
        response.set_etag(etag)
        return response.make_conditional(request)

    app.view_functions["static"] = static
