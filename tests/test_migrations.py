"""The migrations build exactly the schema the models describe, and undo cleanly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_downgrade_to_base_then_upgrade_to_head_matches_models(app):
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
        assert _tables() == set(), "downgrade to base must drop every table"

        upgrade()
        db.engine.dispose()
        assert _tables() == set(db.metadata.tables)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert db.engine.dialect.name == "postgresql"
            return
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_round_trip_with_referenced_rows(app, tree, make_layanan):
    """Down and up again while responses reference layanan: SQLite table rebuilds must not trip on them."""
    import uuid
    from datetime import datetime

    from sqlalchemy import func, select

    from app.models import Layanan, SkmResponse

    layanan = make_layanan("ugb", tree["psds"])
    db.session.add(SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period="2025-01",
                               submitted_at=datetime(2025, 1, 2), channel="web", u1=4))
    db.session.commit()
    db.session.remove()
    with app.app_context():
        downgrade(revision="0005")
        upgrade()
        db.engine.dispose()
        assert db.session.scalar(select(func.count()).select_from(SkmResponse)) == 1
        assert db.session.scalar(select(Layanan.slug)) == "ugb"
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
