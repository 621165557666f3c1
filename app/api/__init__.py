"""API: personal tokens and the versioned JSON API at /api/v1 (issue 15).

Tokens live here rather than in app/auth because a token is only ever good for this API:
the feature that accepts them is the one that issues them (the /akun/token page is in
app/auth's routes, beside the rest of /akun, and calls app.api.tokens). The API routes call
other features' services (scoping, the SKM write path, the IKM report) so no rule is written twice.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from app.api.schemas import Problem


class _Api(Api):
    """flask-smorest without its own error handlers (app.core.errors answers problem+json for
    /api/ and the Indonesian pages elsewhere) and without its doc blueprint (ours is named for
    this feature and serves self-hosted docs). Errors are documented as problem details."""

    ERROR_SCHEMA = Problem

    def _register_responses(self):
        """The error responses flask-smorest documents (DEFAULT_ERROR, UNPROCESSABLE_ENTITY, …) with the
        content type they really have, so a client or schemathesis' content-type check can trust them."""
        success = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = "application/problem+json"
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = success

    def _register_error_handlers(self):
        return None

    def _register_doc_blueprint(self):
        return None


def init_app(app: Flask) -> None:
    from app.api import cli, routes
    from app.extensions import csrf

    app.config.setdefault("API_TITLE", "Pantau API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api = _Api(app, spec_kwargs={"info": {"description": "API Pantau: SKM dan pemantauan lapangan. "
                                                         "Autentikasi: Authorization: Bearer <token>."}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    api.register_blueprint(routes.bp)
    app.register_blueprint(routes.docs_bp)
    csrf.exempt(routes.bp)
    csrf.exempt(routes.docs_bp)
    app.before_request(routes.authenticate_request)
    app.extensions["pantau_api"] = api
    cli.register(app)
