"""Test fixtures: one migrated database per run, emptied after every test.

SQLite by default; set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
to run the same suite on PostgreSQL. An unreachable TEST_DATABASE_URL stops the
run with an error rather than silently falling back.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.core import reference
from app.extensions import db, limiter
from app.followup import publication as followup_publication
from app.models import Layanan, Unit, User
from app.skm import lookup as survey_lookup
from app.webhooks import outbox as webhook_outbox
from tests.helpers import TEST_PASSWORD, IsolatedClient
from tests.monitoring_fixtures import field  # noqa: F401 - field-monitoring fixture, shared by its test files


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as err:  # noqa: BLE001 - any failure means the database is unusable
        pytest.exit(f"TEST_DATABASE_URL tidak dapat dipakai: {err}", returncode=3)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    if url.startswith("postgres"):
        _reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "local://",
        "NIK_HMAC_KEY": "test-nik-key",
    })
    application.instance_path = str(tmp_path_factory.mktemp("instance"))
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
    return application


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    reference.ensure_defaults()
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean(request):
    """Each test starts with empty tables and fresh rate-limit counters.

    The pure statistics tests under tests/analysis never touch the app.
    """
    if "tests/analysis" in request.node.path.as_posix():
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
    limiter.reset()
    survey_lookup.clear()  # the tables were emptied by raw SQL, which production never does
    webhook_outbox.clear()
    followup_publication.forget_shown()


@pytest.fixture()
def client(app):
    return app.test_client()


# ---- factories ----------------------------------------------------------------

@pytest.fixture()
def make_unit(app):
    def _make(code: str, parent: Unit | None = None, level: str = "eselon1", **kw) -> Unit:
        unit = Unit(code=code, name=kw.pop("name", f"Unit {code}"), level=level, parent=parent, **kw)
        db.session.add(unit)
        db.session.commit()
        return unit

    return _make


@pytest.fixture()
def make_user(app):
    def _make(email: str, role: str, unit: Unit, password: str = TEST_PASSWORD, **kw) -> User:
        user = User(email=email, role=role, unit=unit, **kw)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return _make


@pytest.fixture()
def make_layanan(app):
    def _make(slug: str, unit: Unit, **kw) -> Layanan:
        layanan = Layanan(slug=slug, name=kw.pop("name", f"Layanan {slug}"), unit=unit, **kw)
        db.session.add(layanan)
        db.session.commit()
        return layanan

    return _make


@pytest.fixture()
def tree(make_unit):
    """KEMENSOS with two Eselon I units, one of which has a direktorat."""
    root = make_unit("KEMENSOS", level="kementerian")
    dayasos = make_unit("DAYASOS", parent=root)
    rehsos = make_unit("REHSOS", parent=root)
    psds = make_unit("PSDS", parent=dayasos, level="direktorat")
    return {"root": root, "dayasos": dayasos, "rehsos": rehsos, "psds": psds}
