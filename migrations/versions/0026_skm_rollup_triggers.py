"""skm rollup triggers: on PostgreSQL, one statement trigger per event keeps every SKM summary

Until now a single-row survey insert on PostgreSQL fired two statement
triggers on skm_response (0005/0009: skm_summary plus five profile upserts,
one per dimension; 0011: skm_summary_cross), and each of the five profile
upserts fired the yearly roll-up triggers of 0025 on skm_profile_count twice
(an upsert fires the INSERT and the UPDATE statement trigger): 17 statements
and 13 trigger calls per response. Measured as PostgreSQL backend CPU per
survey POST (advisory lock, insert, commit): 0.57 ms with those triggers,
0.18-0.25 ms without any (issue 14).

This revision replaces all of them with one function per event on
skm_response that runs four grouped statements over the transition table:

1. skm_summary (as 0009);
2. skm_profile_count, the five dimensions in one upsert (a lateral VALUES list
   turns each response into its five (dimension, value) pairs);
3. skm_profile_year, the same pairs grouped by year, written directly instead
   of by triggers on the monthly table;
4. skm_summary_cross (as 0011).

The arithmetic per response is exactly that of 0005/0009/0011/0025, so the
totals already stored stay exact and need no backfill. Each statement groups
and orders by its key, so concurrent writers lock rows in one order (as
before). Nothing but these triggers and rebuild_summary (which empties both
profile tables itself) writes skm_profile_count, so dropping the yearly sync on
it loses no path.

SQLite keeps its row triggers (0009/0011/0025): there a trigger statement is
a plain function call in the same process, and the survey POST already
reaches 0.68 of the bare ceiling.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 20:30:00

"""
import importlib.util
from pathlib import Path

from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def _load(module_name, file_name):
    spec = importlib.util.spec_from_file_location(module_name, Path(__file__).with_name(file_name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


m0005 = _load("_pantau_m0005", "0005_skm_summary.py")
m0009 = _load("_pantau_m0009", "0009_skm_stamp_reuse.py")
m0011 = _load("_pantau_m0011", "0011_skm_summary_cross.py")
m0025 = _load("_pantau_m0025", "0025_skm_yearly_rollups.py")

PROFILE_COLUMNS = "layanan_id, {period}, flagged, dimension, value, n"


class Rollups:
    """The set-level SQL (PostgreSQL transition tables) for all four summary tables."""

    def __init__(self):
        self.summary = m0009.Dialect("postgresql")
        self.cross = m0011.Dialect("postgresql")

    def _pairs(self, src):
        """FROM clause giving each row of `src` once per profile dimension, as (dimension, value)."""
        pairs = ", ".join(f"('{dimension}', {value})"
                          for dimension, value in self.summary.profile_values(src).items())
        return f"{src} CROSS JOIN LATERAL (VALUES {pairs}) AS p(dimension, value)"

    def _profile_groups(self, src, yearly):
        period = f"substr({src}.period, 1, 4)" if yearly else f"{src}.period"
        key = [f"{src}.layanan_id", period, self.summary.flagged(src), "p.dimension", "p.value"]
        return key, ", ".join(key)

    def _profile_target(self, yearly):
        return ("skm_profile_year", "year") if yearly else ("skm_profile_count", "period")

    def profile_add(self, src, yearly):
        table, period = self._profile_target(yearly)
        _key, group = self._profile_groups(src, yearly)
        return (f"INSERT INTO {table} ({PROFILE_COLUMNS.format(period=period)}) "
                f"SELECT {group}, COUNT(*) FROM {self._pairs(src)} GROUP BY {group} ORDER BY {group} "
                f"ON CONFLICT (layanan_id, {period}, flagged, dimension, value) "
                f"DO UPDATE SET n = {table}.n + excluded.n")

    def profile_remove(self, src, yearly):
        table, period = self._profile_target(yearly)
        key, group = self._profile_groups(src, yearly)
        names = ["layanan_id", period, "flagged", "dimension", "value"]
        selected = ", ".join(f"{expr} AS {name}" for expr, name in zip(key, names))
        match = " AND ".join(f"s.{name} = d.{name}" for name in names)
        return (f"UPDATE {table} AS s SET n = s.n - d.n "
                f"FROM (SELECT {selected}, COUNT(*) AS n FROM {self._pairs(src)} GROUP BY {group}) AS d "
                f"WHERE {match}")

    def add(self, src):
        return [self.summary.add_set(src)[0], self.profile_add(src, yearly=False),
                self.profile_add(src, yearly=True), *self.cross.add_set(src)]

    def remove(self, src):
        return [self.summary.remove_set(src)[0], self.profile_remove(src, yearly=False),
                self.profile_remove(src, yearly=True), *self.cross.remove_set(src)]


EVENTS = {
    # name: (event, REFERENCING clause, body builder)
    "skm_rollup_insert": ("INSERT", "NEW TABLE AS new_rows", lambda r: r.add("new_rows")),
    "skm_rollup_delete": ("DELETE", "OLD TABLE AS old_rows", lambda r: r.remove("old_rows")),
    "skm_rollup_update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                          lambda r: r.remove("old_rows") + r.add("new_rows")),
}


def _create(rollups):
    for name, (event, referencing, body) in EVENTS.items():
        statements = ";\n  ".join(body(rollups))
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  "
                   f"{statements};\n  RETURN NULL;\nEND\n$$")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON skm_response REFERENCING {referencing} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")


def _drop():
    for name in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON skm_response")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    m0005._drop_triggers(m0009.Dialect("postgresql"))
    m0011._drop_triggers(m0011.Dialect("postgresql"))
    for rollup in m0025.ROLLUPS:
        m0025._drop_trigger(True, rollup)
    _create(Rollups())


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    _drop()
    m0005._create_triggers(m0009.Dialect("postgresql"))
    m0011._create_triggers(m0011.Dialect("postgresql"))
    for rollup in m0025.ROLLUPS:
        m0025._create_trigger(True, rollup)
