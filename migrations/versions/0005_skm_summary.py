"""skm summary: running totals per layanan/month/flag state, kept by triggers

See app/models/skm_summary.py for why. The trigger bodies are generated here
for SQLite and PostgreSQL from the same column lists, and existing responses are
backfilled with one GROUP BY.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:27:44.424431

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


UNSUR = [f"u{i}" for i in range(1, 10)]
# Age bands as in app/services/ikm_report.py AGE_BANDS; changing them needs a new migration.
AGE_BAND_SQL = (
    "CASE WHEN {r}.usia IS NULL THEN '' WHEN {r}.usia <= 19 THEN '< 20' WHEN {r}.usia <= 29 THEN '20-29' "
    "WHEN {r}.usia <= 39 THEN '30-39' WHEN {r}.usia <= 49 THEN '40-49' WHEN {r}.usia <= 59 THEN '50-59' "
    "ELSE '≥ 60' END"
)


class Dialect:
    def __init__(self, name):
        self.pg = name == "postgresql"

    def as_int(self, expr):
        return f"CAST({expr} AS INTEGER)" if self.pg else f"({expr})"

    def text(self, expr):
        return f"CAST({expr} AS TEXT)"

    def real(self, expr):
        return f"CAST({expr} AS DOUBLE PRECISION)" if self.pg else f"CAST({expr} AS REAL)"

    def flagged(self, r):
        return f"({r}.flag_straightline OR {r}.flag_too_fast OR {r}.flag_repeat_device)"

    def mean(self, r):
        total = " + ".join(f"coalesce({r}.{u}, 0)" for u in UNSUR)
        answered = " + ".join(self.as_int(f"{r}.{u} IS NOT NULL") for u in UNSUR)
        return f"({self.real(total)} / NULLIF({answered}, 0))"

    def summary_values(self, r):
        """Column -> value contributed by one response row `r` (NEW or OLD)."""
        m = self.mean(r)
        values = {"n": "1"}
        for u in UNSUR:
            values[f"{u}_sum"] = f"coalesce({r}.{u}, 0)"
            values[f"{u}_count"] = self.as_int(f"{r}.{u} IS NOT NULL")
        values["m_sum"] = f"coalesce({m}, 0)"
        values["m_sumsq"] = f"coalesce({m} * {m}, 0)"
        values["m_count"] = self.as_int(f"{m} IS NOT NULL")
        values["n_straightline"] = self.as_int(f"{r}.flag_straightline")
        values["n_too_fast"] = self.as_int(f"{r}.flag_too_fast")
        values["n_repeat_device"] = self.as_int(f"{r}.flag_repeat_device")
        values["n_kritik"] = self.as_int(f"{r}.kritik_saran IS NOT NULL AND length({r}.kritik_saran) > 0")
        return values

    def profile_values(self, r):
        return {
            "jenis_kelamin": f"coalesce({r}.jenis_kelamin, '')",
            "usia": AGE_BAND_SQL.format(r=r),
            "pendidikan": f"coalesce({r}.pendidikan, '')",
            "pekerjaan": f"coalesce({r}.pekerjaan, '')",
            "kategori": f"coalesce({self.text(f'{r}.respondent_category_id')}, '')",
        }

    def _key(self, r):
        return [f"{r}.layanan_id", f"{r}.period", self.flagged(r)]

    def add(self, r):
        """Row-level: statements that add one row `r` (NEW) to the totals (SQLite triggers)."""
        values = self.summary_values(r)
        cols = ["layanan_id", "period", "flagged", *values]
        statements = [
            f"INSERT INTO skm_summary ({', '.join(cols)}) VALUES ({', '.join(self._key(r) + list(values.values()))}) "
            f"ON CONFLICT (layanan_id, period, flagged) DO UPDATE SET {self._increments(values)}"
        ]
        for dimension, value in self.profile_values(r).items():
            statements.append(
                "INSERT INTO skm_profile_count (layanan_id, period, flagged, dimension, value, n) "
                f"VALUES ({', '.join(self._key(r))}, '{dimension}', {value}, 1) "
                "ON CONFLICT (layanan_id, period, flagged, dimension, value) "
                "DO UPDATE SET n = skm_profile_count.n + excluded.n"
            )
        return statements

    def remove(self, r):
        """Row-level: statements that take one row `r` (OLD) out of the totals (SQLite triggers)."""
        values = self.summary_values(r)
        where = f"layanan_id = {r}.layanan_id AND period = {r}.period AND flagged = {self.flagged(r)}"
        sets = ", ".join(f"{c} = {c} - {v}" for c, v in values.items())
        statements = [f"UPDATE skm_summary SET {sets} WHERE {where}"]
        for dimension, value in self.profile_values(r).items():
            statements.append(
                f"UPDATE skm_profile_count SET n = n - 1 WHERE {where} "
                f"AND dimension = '{dimension}' AND value = {value}"
            )
        return statements

    @staticmethod
    def _increments(values):
        return ", ".join(f"{c} = skm_summary.{c} + excluded.{c}" for c in values)

    def add_set(self, src):
        """Set-level: add every row of table `src` (the backfill; PostgreSQL transition tables).

        One grouped upsert per statement instead of six per row keeps a COPY of a
        million responses fast; ORDER BY gives concurrent writers one lock order.
        """
        values = self.summary_values(src)
        key = self._key(src)
        cols = ["layanan_id", "period", "flagged", *values]
        group = ", ".join(key)
        statements = [
            f"INSERT INTO skm_summary ({', '.join(cols)}) "
            f"SELECT {group}, {', '.join(f'SUM({v})' for v in values.values())} FROM {src} "
            f"WHERE true GROUP BY {group} ORDER BY {group} "
            f"ON CONFLICT (layanan_id, period, flagged) DO UPDATE SET {self._increments(values)}"
        ]
        for dimension, value in self.profile_values(src).items():
            statements.append(
                "INSERT INTO skm_profile_count (layanan_id, period, flagged, dimension, value, n) "
                f"SELECT {group}, '{dimension}', {value}, COUNT(*) FROM {src} "
                f"WHERE true GROUP BY {group}, {value} ORDER BY {group}, {value} "
                "ON CONFLICT (layanan_id, period, flagged, dimension, value) "
                "DO UPDATE SET n = skm_profile_count.n + excluded.n"
            )
        return statements

    def remove_set(self, src):
        """Set-level: take every row of table `src` out of the totals (PostgreSQL transition tables)."""
        values = self.summary_values(src)
        key = self._key(src)
        group = ", ".join(key)
        sums = ", ".join(f"SUM({v}) AS {c}" for c, v in values.items())
        match = "s.layanan_id = d.layanan_id AND s.period = d.period AND s.flagged = d.flagged"
        statements = [
            f"UPDATE skm_summary AS s SET {', '.join(f'{c} = s.{c} - d.{c}' for c in values)} "
            f"FROM (SELECT {key[0]} AS layanan_id, {key[1]} AS period, {key[2]} AS flagged, {sums} "
            f"FROM {src} GROUP BY {group}) AS d WHERE {match}"
        ]
        for dimension, value in self.profile_values(src).items():
            statements.append(
                "UPDATE skm_profile_count AS s SET n = s.n - d.n "
                f"FROM (SELECT {key[0]} AS layanan_id, {key[1]} AS period, {key[2]} AS flagged, "
                f"{value} AS value, COUNT(*) AS n FROM {src} GROUP BY {group}, {value}) AS d "
                f"WHERE {match} AND s.dimension = '{dimension}' AND s.value = d.value"
            )
        return statements


PG_TRIGGERS = {
    # name: (event, REFERENCING clause, body builder)
    "skm_summary_insert": ("INSERT", "NEW TABLE AS new_rows", lambda d: d.add_set("new_rows")),
    "skm_summary_delete": ("DELETE", "OLD TABLE AS old_rows", lambda d: d.remove_set("old_rows")),
    "skm_summary_update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                           lambda d: d.remove_set("old_rows") + d.add_set("new_rows")),
}


def _create_triggers(d):
    if d.pg:
        # Statement-level with transition tables: a bulk COPY costs one grouped upsert.
        for name, (event, referencing, body) in PG_TRIGGERS.items():
            statements = ";\n  ".join(body(d))
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  "
                       f"{statements};\n  RETURN NULL;\nEND\n$$")
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON skm_response REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        return
    bodies = {
        "insert": d.add("NEW"),
        "delete": d.remove("OLD"),
        "update": d.remove("OLD") + d.add("NEW"),
    }
    for event, statements in bodies.items():
        body = ";\n  ".join(statements)
        op.execute(f"CREATE TRIGGER skm_summary_after_{event} AFTER {event.upper()} ON skm_response "
                   f"BEGIN\n  {body};\nEND")


def _drop_triggers(d):
    if d.pg:
        for name in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON skm_response")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS skm_summary_after_{event}")


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('skm_profile_count',
    sa.Column('layanan_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_skm_profile_count_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('layanan_id', 'period', 'flagged', 'dimension', 'value', name=op.f('pk_skm_profile_count'))
    )
    op.create_table('skm_summary',
    sa.Column('layanan_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('u1_sum', sa.Integer(), nullable=False),
    sa.Column('u1_count', sa.Integer(), nullable=False),
    sa.Column('u2_sum', sa.Integer(), nullable=False),
    sa.Column('u2_count', sa.Integer(), nullable=False),
    sa.Column('u3_sum', sa.Integer(), nullable=False),
    sa.Column('u3_count', sa.Integer(), nullable=False),
    sa.Column('u4_sum', sa.Integer(), nullable=False),
    sa.Column('u4_count', sa.Integer(), nullable=False),
    sa.Column('u5_sum', sa.Integer(), nullable=False),
    sa.Column('u5_count', sa.Integer(), nullable=False),
    sa.Column('u6_sum', sa.Integer(), nullable=False),
    sa.Column('u6_count', sa.Integer(), nullable=False),
    sa.Column('u7_sum', sa.Integer(), nullable=False),
    sa.Column('u7_count', sa.Integer(), nullable=False),
    sa.Column('u8_sum', sa.Integer(), nullable=False),
    sa.Column('u8_count', sa.Integer(), nullable=False),
    sa.Column('u9_sum', sa.Integer(), nullable=False),
    sa.Column('u9_count', sa.Integer(), nullable=False),
    sa.Column('m_sum', sa.Float(), nullable=False),
    sa.Column('m_sumsq', sa.Float(), nullable=False),
    sa.Column('m_count', sa.Integer(), nullable=False),
    sa.Column('n_straightline', sa.Integer(), nullable=False),
    sa.Column('n_too_fast', sa.Integer(), nullable=False),
    sa.Column('n_repeat_device', sa.Integer(), nullable=False),
    sa.Column('n_kritik', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_skm_summary_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('layanan_id', 'period', 'flagged', name=op.f('pk_skm_summary'))
    )
    dialect = Dialect(op.get_bind().dialect.name)
    for statement in dialect.add_set("skm_response"):  # responses stored before this revision
        op.execute(statement)
    _create_triggers(dialect)
    # ### end Alembic commands ###


def downgrade():
    _drop_triggers(Dialect(op.get_bind().dialect.name))
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('skm_summary')
    op.drop_table('skm_profile_count')
    # ### end Alembic commands ###
