"""unit report settings: signature block (place, head's position, name, NIP) and cover logo file

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 10:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = (('report_place', 100), ('head_title', 200), ('head_name', 200), ('head_nip', 30), ('logo_file', 64))


def upgrade():
    # Plain nullable columns: SQLite adds them in place (no table copy), PostgreSQL likewise.
    for name, length in COLUMNS:
        op.add_column('unit', sa.Column(name, sa.String(length=length), nullable=True))


def downgrade():
    # Batch mode rebuilds the table on SQLite (which cannot always DROP COLUMN); a plain DROP elsewhere.
    with op.batch_alter_table('unit') as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
