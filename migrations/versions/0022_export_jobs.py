"""export jobs: large CSV/XLSX exports run on the job queue (issue 15)

A response-level export over EXPORT_QUEUE_THRESHOLD rows is written by the worker, not inside the
request; this table holds who asked for what, its progress and where the file is.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 17:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('layanan_id', sa.Integer(), nullable=True),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('format', sa.String(length=10), nullable=False),
        sa.Column('exclude_flagged', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('file_path', sa.String(length=300), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('antri', 'berjalan', 'selesai', 'gagal')", name=op.f('ck_export_job_status')),
        sa.CheckConstraint("format IN ('csv', 'csv-id', 'xlsx')", name=op.f('ck_export_job_format')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_job_user_id_user_account')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_export_job_unit_id_unit')),
        sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_export_job_layanan_id_layanan')),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_export_job_region_id_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job')),
    )
    op.create_index(op.f('ix_export_job_unit_id'), 'export_job', ['unit_id'])
    op.create_index('ix_export_job_user_status', 'export_job', ['user_id', 'status'])


def downgrade():
    op.drop_table('export_job')
