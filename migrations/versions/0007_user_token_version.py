"""user token version: part of every session and remember-me cookie, raised to end them all

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # A NOT NULL column with a constant default is added in place on SQLite too, no table copy.
    op.add_column('user_account', sa.Column('token_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # SQLite (3.35+) and PostgreSQL both drop a plain column in place; nothing references it.
    op.drop_column('user_account', 'token_version')
