"""Pantau: SKM surveys and field monitoring for social-welfare programmes."""
from __future__ import annotations

from flask import Flask

from app import admin, api, auth, followup, home, indicators, monitoring, odata, reports, skm, webhooks
from app.config import build_config
from app.core import cli_text, rate_limits, sessions
from app.core.commands import add_worker_command
from app.core.errors import init_error_handlers
from app.core.labels import init_app as init_labels
from app.core.parsing import init_app as init_parsing
from app.core.security import init_security_headers
from app.core.static_assets import init_static_assets
from app.db_setup import init_database
from app.extensions import csrf, db, limiter, login_manager, migrate

# Every feature of the product, each a package with an init_app (docs/ARCHITECTURE.md).
FEATURES = (home, auth, admin, skm, monitoring, reports, indicators, followup, api, webhooks, odata)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(build_config(app.instance_path, config))
    _trust_proxies(app)
    cli_text.init_app(app)  # before the features: their commands go into an Indonesian `app.cli`

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    rate_limits.init_app(app)
    sessions.init_app(app)
    _init_login(app)
    init_security_headers(app)
    init_error_handlers(app)
    init_labels(app)
    init_parsing(app)  # before the blueprints: their `<int:>` rules use its converter
    _init_features(app)
    add_worker_command(app)
    init_static_assets(app)
    return app


def _trust_proxies(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXY_COUNT"]
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _init_login(app: Flask) -> None:
    from app.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk melanjutkan."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(token: str):
        """Load the user named by a session or remember-me cookie (`<id>:<token version>`,
        see `User.get_id`); a cookie from before the version was raised loads nobody."""
        user_id, _, version = token.partition(":")
        if not (_small_ascii_int(user_id) and _small_ascii_int(version)):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or str(user.token_version) != version:
            return None
        return user


def _small_ascii_int(value: str) -> bool:
    """ASCII digits that fit a 64-bit column (the cookie is signed, but never trust its shape)."""
    return 0 < len(value) <= 18 and value.isascii() and value.isdigit()


def _init_features(app: Flask) -> None:
    """Each feature registers its own blueprints, CLI commands, scopes, default rows and demo
    seeders; importing a feature's modules registers nothing (tests/test_architecture.py)."""
    for feature in FEATURES:
        feature.init_app(app)
