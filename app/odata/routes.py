"""/odata/v1: thin views over app.odata.feed and app.odata.metadata.

Authentication is app.api.routes.authenticate_request (the gate for /api/ and /odata/): a token
as Bearer or as the Basic password names the user, and a session cookie is never consulted.
Each view parses nothing itself beyond the path: the query options go whole to the service,
which parses them once and answers a BadQuery for anything it cannot honour.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for
from flask import request as http_request
from flask_login import current_user

from app.core.errors import error_response
from app.odata import feed, metadata
from app.odata.query import BadQuery

bp = Blueprint("odata", __name__, url_prefix="/odata/v1")

NOT_FOUND = "Entity set '{}' tidak ada. Lihat dokumen layanan di /odata/v1/."
FORBIDDEN = "Peran akun token ini tidak boleh membaca {}."


def _root() -> str:
    return url_for("odata.service_document", _external=True)


def _request(set_name: str) -> feed.Request:
    return feed.Request(set_name=set_name, args=http_request.args, service_root=_root(),
                        secret=current_app.config["SECRET_KEY"])


def _json(document: dict) -> Response:
    """OData JSON: `@odata.context` first, as the format requires, so the keys keep their order."""
    return Response(current_app.json.dumps(document, sort_keys=False),
                    mimetype="application/json;odata.metadata=minimal")


def _answer(work, set_name: str):
    try:
        return work()
    except BadQuery as err:
        return error_response(400, err.message)
    except feed.NotFound:
        return error_response(404, NOT_FOUND.format(set_name[:60]))
    except feed.Forbidden:
        return error_response(403, FORBIDDEN.format(set_name))


@bp.get("/", strict_slashes=False)  # /odata/v1 too: a redirect could lose Excel's credentials
def service_document():
    return _json(metadata.service_document(current_user, _root()))


@bp.get("/$metadata")
def csdl():
    return Response(metadata.csdl(), mimetype="application/xml")


@bp.get("/<set_name>")
def entity_set(set_name: str):
    return _answer(lambda: _json(feed.read(_request(set_name), current_user)), set_name)


@bp.get("/<set_name>/$count")
def entity_count(set_name: str):
    return _answer(lambda: Response(str(feed.count(_request(set_name), current_user)), mimetype="text/plain"),
                   set_name)
