"""OData v4 feed at /odata/v1 (issue 15): read-only, for Excel ("Dari Umpan OData") and Power BI.

The feed reads what /api/v1 reads, through the same scope clauses, tokens and rate limit; only the
protocol differs. `app.odata.entities` and `summaries` describe the entity sets, `query` parses the
system query options ($filter with the odata-query library), `feed` reads and pages (`paging`: the
keyset order and the signed `$skiptoken`), `metadata` writes the CSDL and the service document.
"""
from __future__ import annotations

from flask import Flask, request


def _odata_version(response):
    """Every /odata/ answer, errors from the token gate included, says which protocol it speaks."""
    if request.path.startswith("/odata/"):
        response.headers["OData-Version"] = "4.0"
    return response


def init_app(app: Flask) -> None:
    from app.extensions import csrf
    from app.odata import routes

    app.register_blueprint(routes.bp)
    csrf.exempt(routes.bp)
    app.after_request(_odata_version)
