"""rencana tindak lanjut: rtl_action, its linked kritik items, per-unit follow-up settings

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-30 11:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'rtl_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('layanan_id', sa.Integer(), nullable=True),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('unsur', sa.String(length=3), nullable=False),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('pic', sa.String(length=200), nullable=False),
        sa.Column('planned_start', sa.Date(), nullable=True),
        sa.Column('planned_end', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('cancel_reason', sa.Text(), nullable=True),
        sa.Column('evidence_note', sa.Text(), nullable=True),
        sa.Column('evidence_file', sa.String(length=64), nullable=True),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rtl_action_unit_id_unit')),
        sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_rtl_action_layanan_id_layanan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rtl_action')),
    )
    op.create_index(op.f('ix_rtl_action_unit_id'), 'rtl_action', ['unit_id'])
    op.create_index(op.f('ix_rtl_action_layanan_id'), 'rtl_action', ['layanan_id'])
    op.create_table(
        'rtl_action_kritik',
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('response_id', BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['rtl_action.id'], ondelete='CASCADE',
                                name=op.f('fk_rtl_action_kritik_action_id_rtl_action')),
        sa.ForeignKeyConstraint(['response_id'], ['skm_response.id'], ondelete='CASCADE',
                                name=op.f('fk_rtl_action_kritik_response_id_skm_response')),
        sa.PrimaryKeyConstraint('action_id', 'response_id', name=op.f('pk_rtl_action_kritik')),
    )
    op.create_table(
        'rtl_setting',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('nrr_threshold', sa.Float(), nullable=False),
        sa.Column('show_pic', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rtl_setting_unit_id_unit')),
        sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_rtl_setting')),
    )


def downgrade():
    op.drop_table('rtl_setting')
    op.drop_table('rtl_action_kritik')
    op.drop_index(op.f('ix_rtl_action_layanan_id'), table_name='rtl_action')
    op.drop_index(op.f('ix_rtl_action_unit_id'), table_name='rtl_action')
    op.drop_table('rtl_action')
