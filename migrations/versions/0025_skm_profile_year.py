"""skm profile year: the respondent profile counts summed per year, kept by a trigger on the monthly counts

A year report over 5,000 layanan read 1.5 M skm_profile_count rows (one per
layanan, month, flag state and profile value) and spent 0.3-0.5 s of its
second grouping them (issue 17). skm_profile_year holds the same counts per
year, about ten times fewer rows. Row triggers on skm_profile_count add each
change of a monthly count to its year, so the yearly table follows every path
that writes the monthly one (the response triggers of 0005/0009/0011, the
rebuild, bulk COPY) without regenerating those triggers. Existing counts are
backfilled with one GROUP BY.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 18:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

KEY = ("layanan_id", "year", "flagged", "dimension", "value")
PG_FUNCTION = "skm_profile_year_sync"
SQLITE_EVENTS = ("insert", "update", "delete")


def _values(r):
    return f"{r}.layanan_id, substr({r}.period, 1, 4), {r}.flagged, {r}.dimension, {r}.value"


def _where(r):
    return (f"layanan_id = {r}.layanan_id AND year = substr({r}.period, 1, 4) AND flagged = {r}.flagged "
            f"AND dimension = {r}.dimension AND value = {r}.value")


def _add(r):
    return (f"INSERT INTO skm_profile_year ({', '.join(KEY)}, n) VALUES ({_values(r)}, {r}.n) "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = skm_profile_year.n + excluded.n")


def _remove(r):
    return f"UPDATE skm_profile_year SET n = n - {r}.n WHERE {_where(r)}"


def upgrade():
    op.create_table('skm_profile_year',
    sa.Column('layanan_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.String(length=4), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_skm_profile_year_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('layanan_id', 'year', 'flagged', 'dimension', 'value', name=op.f('pk_skm_profile_year'))
    )
    op.execute(
        f"INSERT INTO skm_profile_year ({', '.join(KEY)}, n) "
        "SELECT layanan_id, substr(period, 1, 4), flagged, dimension, value, SUM(n) FROM skm_profile_count "
        "GROUP BY layanan_id, substr(period, 1, 4), flagged, dimension, value"
    )
    if op.get_bind().dialect.name == "postgresql":
        # Row-level: the monthly table changes by grouped upserts (one row per layanan-month-value),
        # so even a bulk COPY of responses fires this once per monthly row, not per response.
        op.execute(
            f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    {_remove('OLD')};\n  END IF;\n"
            f"  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    {_add('NEW')};\n  END IF;\n"
            "  RETURN NULL;\nEND\n$$"
        )
        op.execute(f"CREATE TRIGGER {PG_FUNCTION} AFTER INSERT OR UPDATE OR DELETE ON skm_profile_count "
                   f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()")
        return
    bodies = {"insert": [_add("NEW")], "update": [_remove("OLD"), _add("NEW")], "delete": [_remove("OLD")]}
    for event, statements in bodies.items():
        body = ";\n  ".join(statements)
        op.execute(f"CREATE TRIGGER skm_profile_year_after_{event} AFTER {event.upper()} ON skm_profile_count "
                   f"BEGIN\n  {body};\nEND")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {PG_FUNCTION} ON skm_profile_count")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    else:
        for event in SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS skm_profile_year_after_{event}")
    op.drop_table('skm_profile_year')
