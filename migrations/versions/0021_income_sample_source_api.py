"""income sample source 'api': samples posted on /api/v1 say so

The income_sample.source CHECK allowed only 'web' and 'import', so the API stored
its samples as 'web' and nobody could tell a partner app's rows from the form's.
The CHECK gains 'api'. On the way down, 'api' rows become 'web' (what they were
stored as before this revision).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 17:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

TABLE = "income_sample"
CK_SOURCE = "ck_income_sample_source"
OLD = ("web", "import")
NEW = ("web", "import", "api")


def _set_sources(values):
    """Set the source CHECK of income_sample to `values`."""
    bind = op.get_bind()
    condition = "source IN ({})".format(", ".join(f"'{v}'" for v in values))
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CK_SOURCE), TABLE, type_="check")
        op.create_check_constraint("source", TABLE, condition)
        return
    # SQLite cannot alter a CHECK: the table is rebuilt (as in 0009). Batch mode leaves
    # reflected CHECKs out of the copy, so they are re-added explicitly, this one replaced.
    meta = sa.MetaData()
    table = sa.Table(TABLE, meta, autoload_with=bind)
    checks = [c for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    for check in checks:
        table.constraints.discard(check)
    for check in checks:
        text = condition if check.name == CK_SOURCE else str(check.sqltext)
        table.append_constraint(sa.CheckConstraint(text, name=check.name))
    with op.batch_alter_table(TABLE, copy_from=table, recreate="always"):
        pass


def upgrade():
    _set_sources(NEW)


def downgrade():
    op.execute("UPDATE income_sample SET source = 'web' WHERE source = 'api'")
    _set_sources(OLD)
