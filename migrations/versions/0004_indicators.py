"""indicators and service populations: indicator catalogue, target revisions,
manual values, indicator-layanan and sub-indicator links, service-user populations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 08:54:58.628293

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('polarity', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('ci_method', sa.String(length=20), nullable=False),
    sa.Column('use_fpc', sa.Boolean(), nullable=False),
    sa.Column('aggregate_method', sa.String(length=10), nullable=True),
    sa.Column('pendamping_type', sa.String(length=40), nullable=True),
    sa.Column('income_program', sa.String(length=40), nullable=True),
    sa.Column('income_measure', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("aggregate_method IS NULL OR aggregate_method IN ('mean', 'pooled')",
        name=op.f('ck_indicator_aggregate_method')),
    sa.CheckConstraint("ci_method IN ('wilson', 'wald', 'agresti-coull', 'jeffreys', 'clopper-pearson', 'exact')",
        name=op.f('ck_indicator_ci_method')),
    sa.CheckConstraint("kind IN ('percentage', 'index')", name=op.f('ck_indicator_kind')),
    sa.CheckConstraint("polarity IN ('positive', 'negative')", name=op.f('ck_indicator_polarity')),
    sa.CheckConstraint("source IN ('skm', 'pendamping', 'income', 'aggregate', 'manual')",
        name=op.f('ck_indicator_source')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_indicator_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_indicator_unit_id_code'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_unit_id'), ['unit_id'], unique=False)

    op.create_table('indicator_component',
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('parent_id <> child_id', name=op.f('ck_indicator_component_not_self')),
    sa.ForeignKeyConstraint(['child_id'], ['indicator.id'], name=op.f('fk_indicator_component_child_id_indicator')),
    sa.ForeignKeyConstraint(['parent_id'], ['indicator.id'],
        name=op.f('fk_indicator_component_parent_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('parent_id', 'child_id', name=op.f('pk_indicator_component'))
    )
    op.create_table('indicator_layanan',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('layanan_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
        name=op.f('fk_indicator_layanan_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_indicator_layanan_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('indicator_id', 'layanan_id', name=op.f('pk_indicator_layanan'))
    )
    op.create_table('indicator_manual_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=True),
    sa.Column('t', sa.Integer(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('n IS NULL OR t IS NULL OR n <= t', name=op.f('ck_indicator_manual_value_n_le_t')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_indicator_manual_value_year_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
        name=op.f('fk_indicator_manual_value_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_manual_value')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_indicator_manual_value_indicator_id_year'))
    )
    with op.batch_alter_table('indicator_manual_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_manual_value_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('indicator_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('revision', sa.String(length=60), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_indicator_target_year_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
        name=op.f('fk_indicator_target_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target')),
    sa.UniqueConstraint('indicator_id', 'year', 'revision', name=op.f('uq_indicator_target_indicator_id_year_revision'))
    )
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_target_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('service_population',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layanan_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('population > 0', name=op.f('ck_service_population_population_positive')),
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_service_population_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_population')),
    sa.UniqueConstraint('layanan_id', 'period', name=op.f('uq_service_population_layanan_id_period'))
    )
    with op.batch_alter_table('service_population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_population_layanan_id'), ['layanan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('service_population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_population_layanan_id'))

    op.drop_table('service_population')
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_target_indicator_id'))

    op.drop_table('indicator_target')
    with op.batch_alter_table('indicator_manual_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_manual_value_indicator_id'))

    op.drop_table('indicator_manual_value')
    op.drop_table('indicator_layanan')
    op.drop_table('indicator_component')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_unit_id'))

    op.drop_table('indicator')
