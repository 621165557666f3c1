"""skm stamp reuse: flag replayed render stamps; pendidikan "tidak/belum sekolah"

- skm_response.stamp_hash (keyed hash of the render stamp, indexed) and
  flag_stamp_reused: one old stamp replayed by other (or no) devices is ballot
  stuffing; such responses are flagged, never dropped.
- skm_summary.n_stamp_reused, and the summary triggers of 0005 regenerated so the
  new flag counts in the "flagged" bucket and in its own counter. Existing rows
  have the flag false, so the totals stay exact without a rebuild.
- the pendidikan CHECK gains 'TS' (tidak/belum sekolah).

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-30 10:20:00

"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

_spec = importlib.util.spec_from_file_location("_pantau_m0005", Path(__file__).with_name("0005_skm_summary.py"))
m0005 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(m0005)

PENDIDIKAN_OLD = ("SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3")
PENDIDIKAN_NEW = ("TS", *PENDIDIKAN_OLD)
CK_PENDIDIKAN = "ck_skm_response_pendidikan"
INDEX = "ix_skm_response_stamp_hash"


class Dialect(m0005.Dialect):
    """The 0005 trigger generator with the stamp-reuse flag added."""

    def flagged(self, r):
        return (f"({r}.flag_straightline OR {r}.flag_too_fast OR {r}.flag_repeat_device "
                f"OR {r}.flag_stamp_reused)")

    def summary_values(self, r):
        values = super().summary_values(r)
        values["n_stamp_reused"] = self.as_int(f"{r}.flag_stamp_reused")
        return values


def _in_list(values):
    return ", ".join(f"'{v}'" for v in values)


def _rebuild_checks(values, drop_columns=()):
    """Set the pendidikan CHECK to `values` (and drop `drop_columns`) on skm_response."""
    bind = op.get_bind()
    condition = f"pendidikan IN ({_in_list(values)})"
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CK_PENDIDIKAN), "skm_response", type_="check")
        op.create_check_constraint("pendidikan", "skm_response", condition)
        for column in drop_columns:
            op.drop_column("skm_response", column)
        return
    # SQLite cannot alter a CHECK: the table is rebuilt. Batch mode leaves reflected CHECK
    # constraints out of the copy, so it copies from a reflected table whose CHECKs are
    # re-added explicitly (all of them, the pendidikan one replaced).
    meta = sa.MetaData()
    table = sa.Table("skm_response", meta, autoload_with=bind)
    checks = [c for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    for check in checks:
        table.constraints.discard(check)
    for check in checks:
        text = condition if check.name == CK_PENDIDIKAN else str(check.sqltext)
        table.append_constraint(sa.CheckConstraint(text, name=check.name))
    with op.batch_alter_table("skm_response", copy_from=table, recreate="always") as batch_op:
        for column in drop_columns:
            batch_op.drop_column(column)


def upgrade():
    bind = op.get_bind()
    m0005._drop_triggers(m0005.Dialect(bind.dialect.name))
    op.add_column("skm_response", sa.Column("stamp_hash", sa.String(length=64), nullable=True))
    op.add_column("skm_response", sa.Column("flag_stamp_reused", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.add_column("skm_summary", sa.Column("n_stamp_reused", sa.Integer(), nullable=False, server_default="0"))
    _rebuild_checks(PENDIDIKAN_NEW)
    op.create_index(INDEX, "skm_response", ["stamp_hash"], unique=False)
    # Every existing row has the new flag false: the totals stay exact, no backfill needed.
    m0005._create_triggers(Dialect(bind.dialect.name))


def downgrade():
    bind = op.get_bind()
    old = m0005.Dialect(bind.dialect.name)
    m0005._drop_triggers(old)
    op.drop_index(INDEX, table_name="skm_response")
    op.execute("UPDATE skm_response SET pendidikan = NULL WHERE pendidikan = 'TS'")
    _rebuild_checks(PENDIDIKAN_OLD, drop_columns=("flag_stamp_reused", "stamp_hash"))
    with op.batch_alter_table("skm_summary") as batch_op:
        batch_op.drop_column("n_stamp_reused")
    # Rows flagged only for a reused stamp, and 'TS' profiles, move bucket: recompute the totals.
    op.execute("DELETE FROM skm_profile_count")
    op.execute("DELETE FROM skm_summary")
    for statement in old.add_set("skm_response"):
        op.execute(statement)
    m0005._create_triggers(old)
