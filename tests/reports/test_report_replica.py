"""REPORT_DATABASE_URL: report-only queries read the replica, writes stay on the primary (issue 17)."""
from __future__ import annotations

import random

from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.config import build_config
from app.core import reference
from app.core.periods import parse_period
from app.extensions import db
from app.models import Layanan, SkmResponse, SkmSummary, Unit
from app.reports import exports
from app.reports import ikm as ikm_report
from tests.report_data import insert_rows, make_rows


def _app(primary: str, report: str | None = None):
    config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": primary,
              "RATELIMIT_STORAGE_URI": "local://", "NIK_HMAC_KEY": "k"}
    if report:
        config["REPORT_DATABASE_URL"] = report
    return create_app(config)


def _seed(count: int, seed: int) -> Unit:
    reference.ensure_defaults()
    unit = Unit(code="REP", name="Unit replika", level="eselon1")
    db.session.add(unit)
    db.session.flush()
    layanan = Layanan(unit_id=unit.id, slug="rep-1", name="Layanan replika", active=True)
    db.session.add(layanan)
    db.session.commit()
    insert_rows(make_rows(layanan, "2025-03", count, random.Random(seed)))
    return unit


def test_report_database_url_becomes_the_report_bind(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORT_DATABASE_URL", "postgres://reader@replica/pantau")
    config = build_config(str(tmp_path))
    assert config["REPORT_DATABASE_URL"] == "postgresql+psycopg://reader@replica/pantau"
    assert config["SQLALCHEMY_BINDS"] == {"report": "postgresql+psycopg://reader@replica/pantau"}
    monkeypatch.delenv("REPORT_DATABASE_URL")
    config = build_config(str(tmp_path))
    assert config["REPORT_DATABASE_URL"] is None and "SQLALCHEMY_BINDS" not in config


def test_reports_read_the_replica_and_writes_go_to_the_primary(tmp_path):
    primary_url, replica_url = f"sqlite:///{tmp_path / 'primary.db'}", f"sqlite:///{tmp_path / 'replica.db'}"
    # The "replica": same schema, its own (here: different) rows, so a report shows where it read.
    replica_app = _app(replica_url)
    with replica_app.app_context():
        upgrade()
        _seed(7, seed=1)
        db.session.remove()
    app = _app(primary_url, replica_url)
    period = parse_period("2025")
    with app.app_context():
        upgrade()
        unit = _seed(30, seed=2)  # written through the app: lands on the primary
        assert db.session.scalar(select(func.sum(SkmSummary.n))) == 30
        report = ikm_report.build_report(unit, period)
        assert report.n == 7 and report.flags["total"] == 7
        assert sum(n for _label, n in report.profile["jenis_kelamin"]) == 7
        ids = [line.id for line in report.lines]
        assert len(list(exports.iter_response_rows(ids, period))) == 7
        assert db.session.scalar(select(func.count()).select_from(SkmResponse)) == 30  # ORM reads: primary
        db.session.remove()
    with replica_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SkmResponse)) == 7  # nothing written there
        db.session.remove()


def test_without_report_database_url_reports_read_the_primary(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'only.db'}")
    with app.app_context():
        upgrade()
        unit = _seed(12, seed=3)
        assert ikm_report.build_report(unit, parse_period("2025")).n == 12
        db.session.remove()
