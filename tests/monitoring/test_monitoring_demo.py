"""seed-demo adds field-monitoring demo data once, with reference lines labelled DEMO."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import IncomeSample, PendampingCheck, PovertyLine, Umk


def test_seed_demo_adds_field_data_idempotently(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = [db.session.scalar(select(func.count(m.id))) for m in (PendampingCheck, IncomeSample, PovertyLine, Umk)]
    assert counts[0] == 2 and counts[1] == 3 and counts[2] >= 1 and counts[3] >= 1
    eligible = set(db.session.scalars(select(IncomeSample.eligible)))
    assert eligible == {True, False}
    assert all(db.session.scalars(select(PovertyLine.is_demo))) and all(db.session.scalars(select(Umk.is_demo)))
    assert "0 baris baru" in runner.invoke(args=["seed-demo"]).output
