"""layanan region: where a service point is (a sentra, a dinas), for the report's region filter

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:53:37.277354

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

FK = 'fk_layanan_region_id_region'
INDEX = 'ix_layanan_region_id'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    if _sqlite():
        # SQLite adds a nullable column with an inline REFERENCES in place. Batch mode would copy
        # layanan and DROP the original, which PRAGMA foreign_keys=ON refuses once any skm_response,
        # skm_summary or service_population row points at a layanan.
        op.execute(f'ALTER TABLE layanan ADD COLUMN region_id INTEGER CONSTRAINT {FK} REFERENCES region (id)')
    else:
        op.add_column('layanan', sa.Column('region_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'layanan', 'region', ['region_id'], ['id'])
    op.create_index(INDEX, 'layanan', ['region_id'], unique=False)


def downgrade():
    op.drop_index(INDEX, table_name='layanan')
    if _sqlite():
        # SQLite cannot DROP a column named in a foreign key, so the table is rebuilt; enforcement is
        # off meanwhile, or DROP TABLE layanan fails while rows reference it (same ids after the copy).
        op.execute('PRAGMA foreign_keys=OFF')
        with op.batch_alter_table('layanan', recreate='always') as batch_op:
            batch_op.drop_column('region_id')
        op.execute('PRAGMA foreign_keys=ON')
    else:
        op.drop_constraint(FK, 'layanan', type_='foreignkey')
        op.drop_column('layanan', 'region_id')
