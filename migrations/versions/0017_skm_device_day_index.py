"""skm device day index: serve the same-device-today check of every web submission

The check (app.services.skm_submit._seen_today_clause) looked rows up through
ix_skm_response_layanan_period and then filtered the whole month of that layanan
by device and time, so its cost grew with the layanan's monthly volume. This
index answers it with one range probe (issue 14).

Revision ID: 0017
Revises: 0014
Create Date: 2026-11-30 11:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_skm_response_device_day", "skm_response", ["device_hash", "layanan_id", "submitted_at"])


def downgrade():
    op.drop_index("ix_skm_response_device_day", table_name="skm_response")
