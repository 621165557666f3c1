"""skm yearly roll-ups: respondent-profile counts per year, kept by triggers on the monthly table

A year report over 5,000 layanan (10 M responses) read 1.5 M skm_profile_count
rows (0.3-0.5 s), the largest part of its SQL (issue 17). skm_profile_year
holds the same counts per year: about 10x fewer rows. Triggers on the monthly
table add every change of a monthly row to its year, so the yearly table
follows every path that writes the monthly one (the response triggers of
0005/0009, the rebuild, bulk COPY) without regenerating those triggers.
Existing rows are backfilled with one GROUP BY. Reports read it only for
periods of whole years.

The same roll-up of skm_summary_cross (155 sums a row) was built and measured
too: it took the 5,000-layanan report from 0.62 s to 0.54 s on a quiet
machine, but its trigger cost a quarter of the PostgreSQL survey POST's
throughput (bench_submit ratio 0.51 -> 0.38, issue 14), so it is not kept.

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


class Rollup:
    """Yearly sums of a monthly table: the SQL that adds monthly rows to their years."""

    def __init__(self, source, target, key, values):
        self.source, self.target, self.key, self.values = source, target, key, values

    def _key_value(self, r, column):
        return f"substr({r}.period, 1, 4)" if column == "year" else f"{r}.{column}"

    def add(self, r):
        """Row-level (SQLite): add one monthly row `r` (NEW)."""
        keys = ", ".join(self._key_value(r, c) for c in self.key)
        return (f"INSERT INTO {self.target} ({', '.join([*self.key, *self.values])}) "
                f"VALUES ({keys}, {', '.join(f'{r}.{c}' for c in self.values)}) "
                f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET "
                + ", ".join(f"{c} = {self.target}.{c} + excluded.{c}" for c in self.values))

    def remove(self, r):
        """Row-level (SQLite): take one monthly row `r` (OLD) out."""
        where = " AND ".join(f"{c} = {self._key_value(r, c)}" for c in self.key)
        return (f"UPDATE {self.target} SET {', '.join(f'{c} = {c} - {r}.{c}' for c in self.values)} "
                f"WHERE {where}")

    def backfill(self):
        keys = ", ".join("substr(period, 1, 4)" if c == "year" else c for c in self.key)
        return (f"INSERT INTO {self.target} ({', '.join([*self.key, *self.values])}) "
                f"SELECT {keys}, {', '.join(f'SUM({c})' for c in self.values)} FROM {self.source} "
                f"GROUP BY {keys}")

    def add_changes(self, parts):
        """Set-level (PostgreSQL transition tables): add the rows of `parts`, (table, sign) pairs, to their years.

        One grouped upsert in key order per statement: a bulk COPY costs one statement, and
        concurrent writers lock the yearly rows in one order (row triggers would lock them in the
        order the monthly rows were touched, which can deadlock two multi-month batches).
        """
        columns = [("period" if c == "year" else c) for c in self.key]
        selects = " UNION ALL ".join(
            f"SELECT {', '.join(columns)}, {', '.join(c if sign > 0 else f'-{c} AS {c}' for c in self.values)} "
            f"FROM {table}" for table, sign in parts)
        keys = ", ".join("substr(period, 1, 4)" if c == "year" else c for c in self.key)
        return (f"INSERT INTO {self.target} ({', '.join([*self.key, *self.values])}) "
                f"SELECT {keys}, {', '.join(f'SUM({c})' for c in self.values)} FROM ({selects}) AS d "
                f"GROUP BY {keys} ORDER BY {keys} "
                f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET "
                + ", ".join(f"{c} = {self.target}.{c} + excluded.{c}" for c in self.values))

    @property
    def trigger(self):
        return f"{self.target}_sync"


ROLLUPS = (
    Rollup("skm_profile_count", "skm_profile_year", PROFILE_KEY, ["n"]),
)
SQLITE_EVENTS = ("insert", "update", "delete")


PG_EVENTS = {
    # event: (REFERENCING clause, the transition tables with the sign they add with)
    "insert": ("NEW TABLE AS new_rows", [("new_rows", 1)]),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", [("new_rows", 1), ("old_rows", -1)]),
    "delete": ("OLD TABLE AS old_rows", [("old_rows", -1)]),
}


def _create_trigger(pg, rollup):
    if pg:
        # Statement-level with transition tables, as the response triggers of 0005/0011: the
        # monthly tables change by grouped upserts, and an upsert fires both the INSERT and the
        # UPDATE statement trigger, each with its own rows.
        for event, (referencing, parts) in PG_EVENTS.items():
            name = f"{rollup.trigger}_{event}"
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  "
                       f"{rollup.add_changes(parts)};\n  RETURN NULL;\nEND\n$$")
            op.execute(f"CREATE TRIGGER {name} AFTER {event.upper()} ON {rollup.source} REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        return
    bodies = {"insert": [rollup.add("NEW")], "update": [rollup.remove("OLD"), rollup.add("NEW")],
              "delete": [rollup.remove("OLD")]}
    for event, statements in bodies.items():
        body = ";\n  ".join(statements)
        op.execute(f"CREATE TRIGGER {rollup.trigger}_after_{event} AFTER {event.upper()} ON {rollup.source} "
                   f"BEGIN\n  {body};\nEND")


def _drop_trigger(pg, rollup):
    if pg:
        for event in PG_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {rollup.trigger}_{event} ON {rollup.source}")
            op.execute(f"DROP FUNCTION IF EXISTS {rollup.trigger}_{event}()")
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
    pg = op.get_bind().dialect.name == "postgresql"
    for rollup in ROLLUPS:
        op.execute(rollup.backfill())
        if pg:
            # Without statistics the planner took the backfilled 150,000 profile rows for ~200 and
            # sorted them to group (125 ms instead of 33 ms hashed) until autovacuum came round.
            op.execute(f"ANALYZE {rollup.target}")
        _create_trigger(pg, rollup)


def downgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    for rollup in ROLLUPS:
        _drop_trigger(pg, rollup)
    op.drop_table('skm_profile_year')
