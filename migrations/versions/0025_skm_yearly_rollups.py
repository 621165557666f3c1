"""skm yearly roll-ups: profile counts and cross sums per year, kept by triggers on the monthly tables

A year report over 5,000 layanan (10 M responses) read 1.5 M skm_profile_count
rows (0.3-0.5 s) and grouped 120,000 skm_summary_cross rows of 155 sums
(0.3 s): most of its SQL (issue 17). skm_profile_year and
skm_summary_cross_year hold the same sums per year: about 10x and 12x fewer
rows. Row triggers on each monthly table add every change of a monthly row to
its year, so the yearly tables follow every path that writes the monthly ones
(the response triggers of 0005/0009/0011, the rebuild, bulk COPY) without
regenerating those triggers. Existing rows are backfilled with one GROUP BY.
Reports read them only for periods of whole years.

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

PROFILE_KEY = ("layanan_id", "year", "flagged", "dimension", "value")
CROSS_KEY = ("layanan_id", "year", "flagged")


def _cross_columns():
    """n and the 153 cross sums of skm_summary_cross (app.models.skm_summary.CROSS_COLUMNS)."""
    names = ["n"]
    for i in range(1, 10):
        names.append(f"p{i}{i}")
        for j in range(i + 1, 10):
            names += [f"c{i}{j}", f"s{i}{j}", f"t{i}{j}", f"p{i}{j}"]
    return names


class Rollup:
    """Yearly sums of a monthly table: SQL that adds or takes out one monthly row `r` (NEW or OLD)."""

    def __init__(self, source, target, key, values):
        self.source, self.target, self.key, self.values = source, target, key, values

    def _key_value(self, r, column):
        return f"substr({r}.period, 1, 4)" if column == "year" else f"{r}.{column}"

    def add(self, r):
        keys = ", ".join(self._key_value(r, c) for c in self.key)
        return (f"INSERT INTO {self.target} ({', '.join([*self.key, *self.values])}) "
                f"VALUES ({keys}, {', '.join(f'{r}.{c}' for c in self.values)}) "
                f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET "
                + ", ".join(f"{c} = {self.target}.{c} + excluded.{c}" for c in self.values))

    def remove(self, r):
        where = " AND ".join(f"{c} = {self._key_value(r, c)}" for c in self.key)
        return (f"UPDATE {self.target} SET {', '.join(f'{c} = {c} - {r}.{c}' for c in self.values)} "
                f"WHERE {where}")

    def backfill(self):
        keys = ", ".join("substr(period, 1, 4)" if c == "year" else c for c in self.key)
        return (f"INSERT INTO {self.target} ({', '.join([*self.key, *self.values])}) "
                f"SELECT {keys}, {', '.join(f'SUM({c})' for c in self.values)} FROM {self.source} "
                f"GROUP BY {keys}")

    @property
    def trigger(self):
        return f"{self.target}_sync"


ROLLUPS = (
    Rollup("skm_profile_count", "skm_profile_year", PROFILE_KEY, ["n"]),
    Rollup("skm_summary_cross", "skm_summary_cross_year", CROSS_KEY, _cross_columns()),
)
SQLITE_EVENTS = ("insert", "update", "delete")


def _create_trigger(pg, rollup):
    if pg:
        # Row-level: the monthly tables change by grouped upserts (one row per layanan-month-value),
        # so even a bulk COPY of responses fires this once per monthly row, not per response.
        op.execute(
            f"CREATE FUNCTION {rollup.trigger}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n    {rollup.remove('OLD')};\n  END IF;\n"
            f"  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n    {rollup.add('NEW')};\n  END IF;\n"
            "  RETURN NULL;\nEND\n$$"
        )
        op.execute(f"CREATE TRIGGER {rollup.trigger} AFTER INSERT OR UPDATE OR DELETE ON {rollup.source} "
                   f"FOR EACH ROW EXECUTE FUNCTION {rollup.trigger}()")
        return
    bodies = {"insert": [rollup.add("NEW")], "update": [rollup.remove("OLD"), rollup.add("NEW")],
              "delete": [rollup.remove("OLD")]}
    for event, statements in bodies.items():
        body = ";\n  ".join(statements)
        op.execute(f"CREATE TRIGGER {rollup.trigger}_after_{event} AFTER {event.upper()} ON {rollup.source} "
                   f"BEGIN\n  {body};\nEND")


def _drop_trigger(pg, rollup):
    if pg:
        op.execute(f"DROP TRIGGER IF EXISTS {rollup.trigger} ON {rollup.source}")
        op.execute(f"DROP FUNCTION IF EXISTS {rollup.trigger}()")
    else:
        for event in SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {rollup.trigger}_after_{event}")


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
    op.create_table('skm_summary_cross_year',
    sa.Column('layanan_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.String(length=4), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in _cross_columns()),
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'],
                            name=op.f('fk_skm_summary_cross_year_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('layanan_id', 'year', 'flagged', name=op.f('pk_skm_summary_cross_year'))
    )
    pg = op.get_bind().dialect.name == "postgresql"
    for rollup in ROLLUPS:
        op.execute(rollup.backfill())
        _create_trigger(pg, rollup)


def downgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    for rollup in ROLLUPS:
        _drop_trigger(pg, rollup)
    op.drop_table('skm_summary_cross_year')
    op.drop_table('skm_profile_year')
