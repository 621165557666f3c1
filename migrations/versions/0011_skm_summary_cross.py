"""skm summary cross: per-pair cross-product sums for the linearised IKM interval

The IKM interval is the Taylor linearisation of the reported score (issue 12,
finding 1). Its variance needs, per layanan, month and flag state and for every
pair of unsur, the count, the two sums and the sum of products over the
responses that answered both. This revision adds skm_summary_cross, backfills it
with one GROUP BY, and keeps it exact with its own triggers on skm_response
(row triggers on SQLite; statement triggers with transition tables on
PostgreSQL, as in 0005). skm_summary and its triggers are not touched.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 10:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLE = "skm_summary_cross"
KEY = ("layanan_id", "period", "flagged")


def _pairs():
    for i in range(1, 10):
        yield i, i
        for j in range(i + 1, 10):
            yield i, j


class Dialect:
    def __init__(self, name):
        self.pg = name == "postgresql"

    def as_int(self, expr):
        return f"CAST({expr} AS INTEGER)" if self.pg else f"({expr})"

    def flagged(self, r):
        # The same flag set as the skm_summary triggers since 0009 (stamp reuse).
        return (f"({r}.flag_straightline OR {r}.flag_too_fast OR {r}.flag_repeat_device "
                f"OR {r}.flag_stamp_reused)")

    def values(self, r):
        """Column -> value contributed by one response row `r` (NEW, OLD or a transition table)."""
        out = {"n": "1"}
        for i, j in _pairs():
            yi, yj = f"coalesce({r}.u{i}, 0)", f"coalesce({r}.u{j}, 0)"
            if i == j:
                out[f"p{i}{i}"] = f"{yi} * {yi}"
                continue
            out[f"c{i}{j}"] = self.as_int(f"{r}.u{i} IS NOT NULL AND {r}.u{j} IS NOT NULL")
            out[f"s{i}{j}"] = f"{yi} * {self.as_int(f'{r}.u{j} IS NOT NULL')}"
            out[f"t{i}{j}"] = f"{yj} * {self.as_int(f'{r}.u{i} IS NOT NULL')}"
            out[f"p{i}{j}"] = f"{yi} * {yj}"
        return out

    def key(self, r):
        return [f"{r}.layanan_id", f"{r}.period", self.flagged(r)]

    @staticmethod
    def increments(values):
        return ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in values)

    def add(self, r):
        values = self.values(r)
        return [f"INSERT INTO {TABLE} ({', '.join([*KEY, *values])}) "
                f"VALUES ({', '.join(self.key(r) + list(values.values()))}) "
                f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {self.increments(values)}"]

    def remove(self, r):
        values = self.values(r)
        where = f"layanan_id = {r}.layanan_id AND period = {r}.period AND flagged = {self.flagged(r)}"
        return [f"UPDATE {TABLE} SET {', '.join(f'{c} = {c} - {v}' for c, v in values.items())} WHERE {where}"]

    def add_set(self, src):
        values = self.values(src)
        group = ", ".join(self.key(src))
        return [f"INSERT INTO {TABLE} ({', '.join([*KEY, *values])}) "
                f"SELECT {group}, {', '.join(f'SUM({v})' for v in values.values())} FROM {src} "
                f"WHERE true GROUP BY {group} ORDER BY {group} "
                f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {self.increments(values)}"]

    def remove_set(self, src):
        values = self.values(src)
        key = self.key(src)
        group = ", ".join(key)
        sums = ", ".join(f"SUM({v}) AS {c}" for c, v in values.items())
        return [f"UPDATE {TABLE} AS s SET {', '.join(f'{c} = s.{c} - d.{c}' for c in values)} "
                f"FROM (SELECT {key[0]} AS layanan_id, {key[1]} AS period, {key[2]} AS flagged, {sums} "
                f"FROM {src} GROUP BY {group}) AS d "
                "WHERE s.layanan_id = d.layanan_id AND s.period = d.period AND s.flagged = d.flagged"]


PG_TRIGGERS = {
    "skm_cross_insert": ("INSERT", "NEW TABLE AS new_rows", lambda d: d.add_set("new_rows")),
    "skm_cross_delete": ("DELETE", "OLD TABLE AS old_rows", lambda d: d.remove_set("old_rows")),
    "skm_cross_update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                         lambda d: d.remove_set("old_rows") + d.add_set("new_rows")),
}


def _create_triggers(d):
    if d.pg:
        for name, (event, referencing, body) in PG_TRIGGERS.items():
            statements = ";\n  ".join(body(d))
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  "
                       f"{statements};\n  RETURN NULL;\nEND\n$$")
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON skm_response REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        return
    bodies = {"insert": d.add("NEW"), "delete": d.remove("OLD"), "update": d.remove("OLD") + d.add("NEW")}
    for event, statements in bodies.items():
        body = ";\n  ".join(statements)
        op.execute(f"CREATE TRIGGER skm_cross_after_{event} AFTER {event.upper()} ON skm_response "
                   f"BEGIN\n  {body};\nEND")


def _drop_triggers(d):
    if d.pg:
        for name in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON skm_response")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS skm_cross_after_{event}")


def upgrade():
    dialect = Dialect(op.get_bind().dialect.name)
    columns = [name for name in dialect.values("r") if name != "n"]
    op.create_table(
        TABLE,
        sa.Column('layanan_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('flagged', sa.Boolean(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in columns),
        sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_skm_summary_cross_layanan_id_layanan')),
        sa.PrimaryKeyConstraint('layanan_id', 'period', 'flagged', name=op.f('pk_skm_summary_cross')),
    )
    for statement in dialect.add_set("skm_response"):  # responses stored before this revision
        op.execute(statement)
    _create_triggers(dialect)


def downgrade():
    _drop_triggers(Dialect(op.get_bind().dialect.name))
    op.drop_table(TABLE)
