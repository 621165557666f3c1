"""The migrations build exactly the schema the models describe, and undo cleanly."""
import pytest
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


def test_income_sample_source_api_survives_a_round_trip(app, field):
    """0021 adds 'api' to the source CHECK (a table rebuild on SQLite): down turns 'api' rows into 'web'
    and the CHECK refuses 'api' again; up accepts it; the row, its KPM and its other CHECKs survive."""
    import uuid
    from datetime import date

    import sqlalchemy as sa
    from sqlalchemy import select

    from app.models import IncomeSample
    from app.monitoring import income_samples
    from tests.monitoring_fixtures import program, region

    values = {"instance_id": uuid.uuid4(), "unit_id": field["tree"]["dayasos"].id, "monitor_id": None,
              "source": "api", "status": "valid", "program_id": program("PENA").id, "region_id": region("32.73").id,
              "cohort_year": 2025, "intervention_date": date(2025, 1, 15), "monitoring_date": date(2025, 4, 15),
              "household_size": 4, "measure": "pendapatan_rt", "income_before": 1_000_000,
              "income_after": 1_500_000, "business_status": "berjalan", "notes": None}
    income_samples.save(values, nik="3273010101900001")
    db.session.commit()
    db.session.remove()

    def insert_api_row(conn):
        conn.execute(sa.text("UPDATE income_sample SET source = 'api'"))

    with app.app_context():
        downgrade(revision="0020")
        db.engine.dispose()
        assert db.session.scalar(select(IncomeSample.source)) == "web"
        db.session.remove()
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            insert_api_row(conn)
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE income_sample SET household_size = 99"))
        upgrade()
        db.engine.dispose()
        with db.engine.begin() as conn:
            insert_api_row(conn)
        assert db.session.scalar(select(IncomeSample.source)) == "api"
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE income_sample SET source = 'lain'"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE income_sample SET household_size = 99"))
        db.session.remove()
