"""public results shown: when /hasil/<unit> first showed results of a period

The publication log counts the public results page as one medium, dated by its
first publication (issue 16). Nothing stored that date; this table keeps, per
unit and period code, the first time the page was served with that period's
results.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'public_results_shown',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('first_shown_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_public_results_shown_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_results_shown')),
        sa.UniqueConstraint('unit_id', 'period', name=op.f('uq_public_results_shown_unit_id_period')),
    )


def downgrade():
    op.drop_table('public_results_shown')
