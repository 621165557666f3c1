"""rencana tindak lanjut: rtl_action, its linked kritik items, per-unit follow-up settings; kritik triage
(theme catalogue with its defaults, per-answer status, hide-from-public switch and themes); publication log

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
    theme = op.create_table(
        'kritik_theme',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('unsur', sa.String(length=3), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('sort_order', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kritik_theme')),
        sa.UniqueConstraint('code', name=op.f('uq_kritik_theme_code')),
    )
    op.create_table(
        'kritik_triage',
        sa.Column('response_id', BIG_ID, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('hidden_public', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['skm_response.id'], ondelete='CASCADE',
                                name=op.f('fk_kritik_triage_response_id_skm_response')),
        sa.PrimaryKeyConstraint('response_id', name=op.f('pk_kritik_triage')),
    )
    op.create_table(
        'kritik_triage_theme',
        sa.Column('response_id', BIG_ID, nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['kritik_triage.response_id'], ondelete='CASCADE',
                                name=op.f('fk_kritik_triage_theme_response_id_kritik_triage')),
        sa.ForeignKeyConstraint(['theme_id'], ['kritik_theme.id'], ondelete='CASCADE',
                                name=op.f('fk_kritik_triage_theme_theme_id_kritik_theme')),
        sa.PrimaryKeyConstraint('response_id', 'theme_id', name=op.f('pk_kritik_triage_theme')),
    )
    op.create_table(
        'publication_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('medium', sa.String(length=20), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('evidence_file', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_publication_record_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_record')),
    )
    op.create_index(op.f('ix_publication_record_unit_id'), 'publication_record', ['unit_id'])
    # The default catalogue (a copy of app.models.followup.DEFAULT_THEMES as of this revision).
    op.bulk_insert(theme, [
        {'code': code, 'name': name, 'unsur': unsur, 'active': True, 'sort_order': order}
        for order, (code, name, unsur) in enumerate(DEFAULT_THEMES, start=1)
    ])


DEFAULT_THEMES = (
    ('U1', 'Persyaratan', 'U1'), ('U2', 'Prosedur', 'U2'), ('U3', 'Waktu pelayanan', 'U3'),
    ('U4', 'Biaya/tarif', 'U4'), ('U5', 'Produk layanan', 'U5'), ('U6', 'Kompetensi pelaksana', 'U6'),
    ('U7', 'Perilaku pelaksana', 'U7'), ('U8', 'Penanganan pengaduan', 'U8'), ('U9', 'Sarana dan prasarana', 'U9'),
    ('apresiasi', 'Apresiasi', None), ('lainnya', 'Lainnya', None),
)


def downgrade():
    op.drop_index(op.f('ix_publication_record_unit_id'), table_name='publication_record')
    op.drop_table('publication_record')
    op.drop_table('kritik_triage_theme')
    op.drop_table('kritik_triage')
    op.drop_table('kritik_theme')
    op.drop_table('rtl_setting')
    op.drop_table('rtl_action_kritik')
    op.drop_index(op.f('ix_rtl_action_layanan_id'), table_name='rtl_action')
    op.drop_index(op.f('ix_rtl_action_unit_id'), table_name='rtl_action')
    op.drop_table('rtl_action')
