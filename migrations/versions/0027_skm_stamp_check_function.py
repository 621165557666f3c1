"""skm stamp check function: on PostgreSQL the render-stamp reuse check locks and looks in one call

The survey POST serialised same-stamp submissions with pg_advisory_xact_lock as
its own statement before the insert: a lock taken inside the checking statement
would come after that statement's snapshot, so two racing replays could both
look first. That statement cost a round trip per POST (issue 14).

skm_stamp_reused() takes the same lock and then looks. A VOLATILE function's
queries each take a fresh snapshot under READ COMMITTED, so the look sees a
response committed by the lock's previous holder even though the calling
INSERT's own snapshot predates it. The insert calls it in place of the inline
EXISTS: lock, check and insert are one statement. The rule is app/skm/submit.py's
(another response with this stamp, from another device or from none); the lock
key is the one the app used (the stamp hash's first 15 hex digits).

SQLite needs nothing: a writer there holds the database's write lock, and the
inline EXISTS of the same statement already sees every committed row.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 21:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE FUNCTION skm_stamp_reused(stamp varchar, own_instance_id uuid, own_device_hash varchar)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(CAST(CAST('x' || substr(stamp, 1, 15) AS bit(60)) AS bigint));
  RETURN EXISTS (
    SELECT 1 FROM skm_response
    WHERE skm_response.stamp_hash = stamp AND skm_response.instance_id <> own_instance_id
      AND (own_device_hash IS NULL OR skm_response.device_hash IS NULL
           OR skm_response.device_hash <> own_device_hash));
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS skm_stamp_reused(varchar, uuid, varchar)")
