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
        return values

    def profile_values(self, r):
        return {
            "jenis_kelamin": f"coalesce({r}.jenis_kelamin, '')",
            "usia": AGE_BAND_SQL.format(r=r),
            "pendidikan": f"coalesce({r}.pendidikan, '')",
            "pekerjaan": f"coalesce({r}.pekerjaan, '')",
            "kategori": f"coalesce({self.text(f'{r}.respondent_category_id')}, '')",
        }

    def add(self, r):
        """Statements that add row `r` to the totals (upserts)."""
        values = self.summary_values(r)
        key = ["layanan_id", "period", "flagged"]
        key_values = [f"{r}.layanan_id", f"{r}.period", self.flagged(r)]
        cols = key + list(values)
        updates = ", ".join(f"{c} = skm_summary.{c} + excluded.{c}" for c in values)
        statements = [
            f"INSERT INTO skm_summary ({', '.join(cols)}) VALUES ({', '.join(key_values + list(values.values()))}) "
            f"ON CONFLICT (layanan_id, period, flagged) DO UPDATE SET {updates}"
        ]
        for dimension, value in self.profile_values(r).items():
            statements.append(
                "INSERT INTO skm_profile_count (layanan_id, period, flagged, dimension, value, n) "
                f"VALUES ({r}.layanan_id, {r}.period, {self.flagged(r)}, '{dimension}', {value}, 1) "
                "ON CONFLICT (layanan_id, period, flagged, dimension, value) "
                "DO UPDATE SET n = skm_profile_count.n + 1"
            )
        return statements

    def remove(self, r):
        """Statements that take row `r` out of the totals (plain updates: nothing to remove from is fine)."""
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


def _backfill(d):
    r = "skm_response"
    values = d.summary_values(r)
    cols = ["layanan_id", "period", "flagged", *values]
    op.execute(
        f"INSERT INTO skm_summary ({', '.join(cols)}) "
        f"SELECT layanan_id, period, {d.flagged(r)}, {', '.join(f'SUM({v})' for v in values.values())} "
        f"FROM skm_response GROUP BY layanan_id, period, {d.flagged(r)}"
    )
    for dimension, value in d.profile_values(r).items():
        op.execute(
            "INSERT INTO skm_profile_count (layanan_id, period, flagged, dimension, value, n) "
            f"SELECT layanan_id, period, {d.flagged(r)}, '{dimension}', {value}, COUNT(*) FROM skm_response "
            f"GROUP BY layanan_id, period, {d.flagged(r)}, {value}"
        )


def _create_triggers(d):
    if d.pg:
        body_remove = ";\n    ".join(d.remove("OLD"))
        body_add = ";\n    ".join(d.add("NEW"))
        op.execute(f"""
CREATE FUNCTION skm_summary_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    {body_remove};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {body_add};
  END IF;
  RETURN NULL;
END
$$""")
        op.execute("CREATE TRIGGER skm_summary_sync AFTER INSERT OR UPDATE OR DELETE ON skm_response "
                   "FOR EACH ROW EXECUTE FUNCTION skm_summary_sync()")
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
        op.execute("DROP TRIGGER IF EXISTS skm_summary_sync ON skm_response")
        op.execute("DROP FUNCTION IF EXISTS skm_summary_sync()")
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
    sa.ForeignKeyConstraint(['layanan_id'], ['layanan.id'], name=op.f('fk_skm_summary_layanan_id_layanan')),
    sa.PrimaryKeyConstraint('layanan_id', 'period', 'flagged', name=op.f('pk_skm_summary'))
    )
    dialect = Dialect(op.get_bind().dialect.name)
    _backfill(dialect)
    _create_triggers(dialect)
    # ### end Alembic commands ###


def downgrade():
    _drop_triggers(Dialect(op.get_bind().dialect.name))
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('skm_summary')
    op.drop_table('skm_profile_count')
    # ### end Alembic commands ###
