"""The trigger-kept SKM summary always equals a recomputation from the raw rows."""
import uuid
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select, text, update

from app.extensions import db
from app.models import Layanan, SkmProfileCount, SkmProfileYear, SkmResponse, SkmSummary
from app.skm import summary as skm_stats


def _response(layanan, period="2025-02", answers=(4, 3, 3, 4, None, 2, 3, 4, 4), **extra):
    row = SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period=period,
                      submitted_at=datetime(2025, 2, 3), channel="web", **extra)
    for i, value in enumerate(answers, start=1):
        setattr(row, f"u{i}", value)
    return row


def _summary(layanan_id, flagged=False):
    return db.session.scalar(select(SkmSummary).where(SkmSummary.layanan_id == layanan_id,
                                                      SkmSummary.flagged.is_(flagged)))


def test_insert_update_delete_keep_the_summary_exact(tree, make_layanan):
    a = make_layanan("a", tree["psds"])
    b = make_layanan("b", tree["psds"])
    rows = [_response(a), _response(a, answers=(1,) * 9, flag_straightline=True),
            _response(b, jenis_kelamin="P", usia=19), _response(b, answers=(None,) * 9, usia=60)]
    db.session.add_all(rows)
    db.session.commit()
    assert skm_stats.summary_matches_raw()

    summary = _summary(a.id)
    assert (summary.n, summary.u1_sum, summary.u5_count, summary.m_count) == (1, 4, 0, 1)
    assert summary.m_sum == 27 / 8 and summary.m_sumsq == (27 / 8) ** 2
    assert _summary(a.id, flagged=True).n_straightline == 1
    assert _summary(b.id).m_count == 1  # the all-blank response has no respondent mean

    # An analyst-style correction: flag a response, move one to another month, delete one.
    db.session.execute(update(SkmResponse).where(SkmResponse.id == rows[0].id).values(flag_too_fast=True))
    db.session.execute(update(SkmResponse).where(SkmResponse.id == rows[2].id).values(period="2025-03"))
    db.session.execute(delete(SkmResponse).where(SkmResponse.id == rows[3].id))
    db.session.commit()
    assert skm_stats.summary_matches_raw()
    assert _summary(a.id).n == 0 and _summary(a.id, flagged=True).n == 2


def test_profile_counts_follow_the_rows(tree, make_layanan):
    a = make_layanan("a", tree["psds"])
    db.session.add_all([_response(a, jenis_kelamin="L", usia=19), _response(a, jenis_kelamin="L", usia=20),
                        _response(a, usia=None)])
    db.session.commit()
    counts = dict(db.session.execute(
        select(SkmProfileCount.value, func.sum(SkmProfileCount.n))
        .where(SkmProfileCount.dimension == "usia").group_by(SkmProfileCount.value)).all())
    assert counts == {"< 20": 1, "20-29": 1, "": 1}
    jk = dict(db.session.execute(
        select(SkmProfileCount.value, SkmProfileCount.n).where(SkmProfileCount.dimension == "jenis_kelamin")).all())
    assert jk == {"L": 2, "": 1}


def _yearly(dimension):
    """{(year, value): n} over both flag states."""
    totals = {}
    for year, value, n in db.session.execute(
            select(SkmProfileYear.year, SkmProfileYear.value, SkmProfileYear.n)
            .where(SkmProfileYear.dimension == dimension, SkmProfileYear.n != 0)):
        totals[(year, value)] = totals.get((year, value), 0) + n
    return totals


def test_yearly_profile_counts_follow_inserts_moves_and_deletes(tree, make_layanan):
    a = make_layanan("a", tree["psds"])
    rows = [_response(a, period="2024-12", jenis_kelamin="L"), _response(a, period="2025-01", jenis_kelamin="L"),
            _response(a, period="2025-06", jenis_kelamin="P"), _response(a, period="2025-06", jenis_kelamin="P")]
    db.session.add_all(rows)
    db.session.commit()
    assert _yearly("jenis_kelamin") == {("2024", "L"): 1, ("2025", "L"): 1, ("2025", "P"): 2}
    assert skm_stats.summary_matches_raw()

    # into another year, a changed profile value, a deleted response, a new flag state
    db.session.execute(update(SkmResponse).where(SkmResponse.id == rows[0].id).values(period="2025-02"))
    db.session.execute(update(SkmResponse).where(SkmResponse.id == rows[1].id).values(jenis_kelamin="P"))
    db.session.execute(delete(SkmResponse).where(SkmResponse.id == rows[2].id))
    db.session.execute(update(SkmResponse).where(SkmResponse.id == rows[3].id).values(flag_too_fast=True))
    db.session.commit()
    assert _yearly("jenis_kelamin") == {("2025", "L"): 1, ("2025", "P"): 2}
    flagged = db.session.scalar(select(func.sum(SkmProfileYear.n)).where(
        SkmProfileYear.dimension == "jenis_kelamin", SkmProfileYear.flagged.is_(True)))
    assert flagged == 1
    assert skm_stats.summary_matches_raw()


def test_the_audit_sees_a_damaged_yearly_profile_and_the_rebuild_repairs_it(app, tree, make_layanan):
    a = make_layanan("a", tree["psds"])
    db.session.add_all([_response(a, jenis_kelamin="L"), _response(a, jenis_kelamin="P")])
    db.session.commit()
    db.session.execute(update(SkmProfileYear).where(SkmProfileYear.value == "L").values(n=5))
    db.session.commit()
    assert not skm_stats.summary_matches_raw()

    result = app.test_cli_runner().invoke(args=["rebuild-skm-summary"])
    assert result.exit_code == 0, result.output
    assert skm_stats.summary_matches_raw()
    assert _yearly("jenis_kelamin") == {("2025", "L"): 1, ("2025", "P"): 1}


def test_upgrading_to_the_yearly_profile_revision_backfills_it(app, tree, make_layanan):
    from flask_migrate import downgrade, upgrade

    a = make_layanan("a", tree["psds"])
    db.session.add_all([_response(a, period="2024-03", usia=25), _response(a, period="2025-03", usia=25),
                        _response(a, period="2025-04", usia=25)])
    db.session.commit()
    db.session.remove()
    downgrade(revision="0024")
    db.engine.dispose()
    upgrade()
    db.engine.dispose()
    assert _yearly("usia") == {("2024", "20-29"): 1, ("2025", "20-29"): 2}
    assert skm_stats.summary_matches_raw()


def test_a_duplicate_instance_id_adds_nothing(app, tree, make_layanan):
    from app.skm.submit import insert_ignoring_duplicate, row_values

    a = make_layanan("a", tree["psds"])
    values = row_values(a, instance_id=uuid.uuid4(), answers={f"u{i}": 3 for i in range(1, 10)},
                        submitted_at=datetime(2025, 2, 3), channel="web", profile={"jenis_kelamin": "P"})
    assert insert_ignoring_duplicate(values) is True
    assert insert_ignoring_duplicate(values) is False  # the retried submission
    db.session.commit()
    assert _summary(a.id, flagged=True).n == 1  # straight-lined, so it sits in the flagged bucket
    assert skm_stats.summary_matches_raw()


def test_rebuild_repairs_a_damaged_summary(app, tree, make_layanan):
    a = make_layanan("a", tree["psds"])
    db.session.add_all([_response(a), _response(a, answers=(2,) * 9)])
    db.session.commit()
    db.session.execute(update(SkmSummary).values(n=99, u1_sum=0))
    db.session.commit()
    assert not skm_stats.summary_matches_raw()

    result = app.test_cli_runner().invoke(args=["rebuild-skm-summary"])
    assert result.exit_code == 0, result.output
    assert skm_stats.summary_matches_raw()
    assert _summary(a.id).n == 2 and _summary(a.id).u1_sum == 6


def test_kritik_list_reads_only_the_latest_months_but_misses_nothing(tree, make_layanan):
    from app.core.periods import parse_period
    from app.reports.respondents import kritik_saran

    a = make_layanan("a", tree["psds"])
    rows = []
    for month in range(1, 13):
        for day in (5, 20):
            row = _response(a, period=f"2025-{month:02d}", kritik_saran=f"saran {month}-{day}")
            row.submitted_at = datetime(2025, month, day)
            rows.append(row)
    rows.append(_response(a, period="2025-12", kritik_saran=""))  # empty text is not a kritik
    db.session.add_all(rows)
    db.session.commit()
    latest = kritik_saran([a.id], parse_period("2025"), exclude_flagged=False, limit=5)
    assert [k["text"] for k in latest] == ["saran 12-20", "saran 12-5", "saran 11-20", "saran 11-5", "saran 10-20"]
    assert len(kritik_saran([a.id], parse_period("2025"), exclude_flagged=False, limit=100)) == 24
    assert kritik_saran([a.id], parse_period("2024"), exclude_flagged=False) == []


def test_upgrading_to_the_summary_revision_backfills_existing_responses(app, tree, make_layanan):
    from flask_migrate import downgrade, upgrade

    a = make_layanan("a", tree["psds"])
    layanan_id = a.id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0004")
    db.engine.dispose()
    try:
        with db.engine.begin() as conn:
            for i, answer in enumerate((1, 2, 4)):
                conn.execute(SkmResponse.__table__.insert().values(
                    instance_id=uuid.uuid4(), layanan_id=layanan_id, period="2025-01", form_version="v1",
                    channel="import", submitted_at=datetime(2025, 1, 2), flag_straightline=i == 0,
                    flag_too_fast=False, flag_repeat_device=False, jenis_kelamin="P",
                    **{f"u{k}": answer for k in range(1, 10)}))
    finally:
        upgrade()
        db.engine.dispose()
    assert skm_stats.summary_matches_raw()
    assert _summary(layanan_id).n == 2 and _summary(layanan_id, flagged=True).n == 1


def _cross(layanan_id, flagged=False):
    from app.models import SkmSummaryCross

    return db.session.scalar(select(SkmSummaryCross).where(SkmSummaryCross.layanan_id == layanan_id,
                                                           SkmSummaryCross.flagged.is_(flagged)))


def test_cross_sums_follow_insert_update_delete(tree, make_layanan):
    a = make_layanan("a", tree["psds"])
    rows = [_response(a), _response(a, answers=(2, None, 3, 1, 4, None, 2, 2, 1))]
    db.session.add_all(rows)
    db.session.commit()
    cross = _cross(a.id)
    # Row 1: (4, 3, 3, 4, None, 2, 3, 4, 4); row 2: (2, None, 3, 1, 4, None, 2, 2, 1).
    assert (cross.n, cross.p11) == (2, 16 + 4)
    assert (cross.c12, cross.s12, cross.t12, cross.p12) == (1, 4, 3, 12)  # only row 1 answered both
    assert (cross.c13, cross.s13, cross.t13, cross.p13) == (2, 6, 6, 12 + 6)
    assert (cross.c15, cross.s15, cross.t15, cross.p15) == (1, 2, 4, 8)
    assert cross.c26 == 1 and cross.c56 == 0 and cross.p56 == 0
    assert skm_stats.summary_matches_raw()

    db.session.execute(update(SkmResponse).where(SkmResponse.id == rows[0].id).values(flag_too_fast=True, u2=None))
    db.session.execute(delete(SkmResponse).where(SkmResponse.id == rows[1].id))
    db.session.commit()
    assert _cross(a.id).n == 0 and _cross(a.id).p11 == 0 and _cross(a.id).c13 == 0
    flagged = _cross(a.id, flagged=True)
    assert (flagged.n, flagged.c12, flagged.c13, flagged.p13) == (1, 0, 1, 12)
    assert skm_stats.summary_matches_raw()


def test_rebuild_repairs_damaged_cross_sums(app, tree, make_layanan):
    from app.models import SkmSummaryCross

    a = make_layanan("a", tree["psds"])
    db.session.add_all([_response(a), _response(a, answers=(2,) * 9)])
    db.session.commit()
    db.session.execute(update(SkmSummaryCross).values(p12=0))
    db.session.commit()
    assert not skm_stats.summary_matches_raw()
    result = app.test_cli_runner().invoke(args=["rebuild-skm-summary"])
    assert result.exit_code == 0, result.output
    assert skm_stats.summary_matches_raw()
    assert _cross(a.id).p12 == 4 * 3 + 2 * 2


def test_upgrading_to_the_cross_revision_backfills_existing_responses(app, tree, make_layanan):
    from flask_migrate import downgrade, upgrade

    from analysis.ikm import compute_ikm
    from app.core.periods import parse_period

    a = make_layanan("a", tree["psds"])
    layanan_id = a.id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0009")  # the revision before the cross sums
    db.engine.dispose()
    answers = [(1, 2, 4, None, 3, 3, 4, 4, 2), (4, None, 4, 4, 3, 2, None, 4, 4), (3,) * 9]
    try:
        with db.engine.begin() as conn:
            for i, row in enumerate(answers):
                conn.execute(SkmResponse.__table__.insert().values(
                    instance_id=uuid.uuid4(), layanan_id=layanan_id, period="2025-01", form_version="v1",
                    channel="import", submitted_at=datetime(2025, 1, 2), flag_straightline=i == 2,
                    flag_too_fast=False, flag_repeat_device=False,
                    **{f"u{k}": v for k, v in enumerate(row, start=1)}))
    finally:
        upgrade()
        db.engine.dispose()
    assert skm_stats.summary_matches_raw()
    assert _cross(layanan_id).n == 2 and _cross(layanan_id, flagged=True).n == 1
    got = skm_stats.ikm_for([layanan_id], parse_period("2025"))
    expected = compute_ikm([{f"U{k}": v for k, v in enumerate(row, start=1)} for row in answers])
    assert got.se() == pytest.approx(expected.se(), rel=1e-12)


def _user_triggers(table):
    """Trigger names on `table`, from the database's own catalogue."""
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = CAST(:table AS regclass) "
               "ORDER BY tgname")
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table ORDER BY name"
    return [name for (name,) in db.session.execute(text(sql), {"table": table})]


def test_one_statement_trigger_per_event_keeps_every_summary_on_postgresql(app):
    """Issue 14: on PostgreSQL a survey insert fires one trigger, which writes all four summary tables
    (0026); the yearly profile is no longer a second trigger level on the monthly table. SQLite keeps
    its row triggers: the response's own for the summary and cross sums, the monthly table's for the year."""
    if db.engine.dialect.name == "postgresql":
        assert _user_triggers("skm_response") == ["skm_rollup_delete", "skm_rollup_insert", "skm_rollup_update"]
        assert _user_triggers("skm_profile_count") == []
    else:
        assert _user_triggers("skm_response") == [
            "skm_cross_after_delete", "skm_cross_after_insert", "skm_cross_after_update",
            "skm_summary_after_delete", "skm_summary_after_insert", "skm_summary_after_update"]
        assert _user_triggers("skm_profile_count") == [
            "skm_profile_year_sync_after_delete", "skm_profile_year_sync_after_insert",
            "skm_profile_year_sync_after_update"]


def _profile_sums(model, period_column):
    """{(layanan, period or year, flagged, dimension, value): n} without the emptied rows."""
    c = model.__table__.c
    return {(row[0], row[1], row[2], row[3], row[4]): row[5] for row in db.session.execute(
        select(c.layanan_id, c[period_column], c.flagged, c.dimension, c.value, c.n).where(c.n != 0))}


def test_multi_row_statements_over_several_layanan_months_and_years_stay_exact(tree, make_layanan):
    """One statement's transition table holding several groups: a bulk INSERT, an UPDATE moving rows
    across layanan, years and flag states at once, and a bulk DELETE, each checked against the raw rows."""
    a = make_layanan("a", tree["psds"])
    b = make_layanan("b", tree["psds"])
    values = []
    for k in range(24):
        answers = [None if (k + i) % 7 == 0 else 1 + (k * i) % 4 for i in range(1, 10)]
        values.append(dict(instance_id=uuid.uuid4(), layanan_id=(a.id, b.id)[k % 2],
                           period=("2024-12", "2025-01", "2025-06")[k % 3], submitted_at=datetime(2025, 1, 2),
                           channel="import", form_version="v1", usia=(None, 17, 25, 61)[k % 4],
                           jenis_kelamin=(None, "L", "P")[k % 3], pendidikan=(None, "SMA")[k % 2],
                           kritik_saran=("", "Antrian lama", None)[k % 3], flag_straightline=k % 5 == 0,
                           **{f"u{i}": v for i, v in enumerate(answers, start=1)}))
    db.session.execute(SkmResponse.__table__.insert(), values)  # one multi-row statement
    db.session.commit()
    assert skm_stats.summary_matches_raw()
    months = _profile_sums(SkmProfileCount, "period")
    assert sum(n for key, n in months.items() if key[3] == "usia") == 24
    years = _profile_sums(SkmProfileYear, "year")
    assert years[(a.id, "2024", False, "jenis_kelamin", "")] == sum(
        1 for k in range(0, 24, 2) if k % 3 == 0 and k % 5 != 0)

    db.session.execute(update(SkmResponse).where(SkmResponse.period == "2024-12")
                       .values(period="2025-02", layanan_id=b.id, flag_too_fast=True, u3=None))
    db.session.execute(update(SkmResponse).where(SkmResponse.period == "2025-06").values(usia=40, kritik_saran="x"))
    db.session.commit()
    assert skm_stats.summary_matches_raw()
    assert not any(key[1] == "2024" for key in _profile_sums(SkmProfileYear, "year"))

    db.session.execute(delete(SkmResponse).where(SkmResponse.layanan_id == b.id))
    db.session.commit()
    assert skm_stats.summary_matches_raw()
    assert {key[0] for key in _profile_sums(SkmProfileYear, "year")} == {a.id}
    assert db.session.scalar(select(func.sum(SkmSummary.n)).where(SkmSummary.layanan_id == b.id)) == 0


def test_totals_kept_before_the_rollup_revision_stay_exact_after_it(app, tree, make_layanan):
    """0026 only swaps PostgreSQL's triggers: sums written by the old ones go on under the new ones."""
    from flask_migrate import downgrade, upgrade

    a = make_layanan("a", tree["psds"])
    rows = [_response(a, period="2025-01", usia=30), _response(a, period="2025-02", jenis_kelamin="P")]
    db.session.add_all(rows)
    db.session.commit()
    ids, layanan_id = [row.id for row in rows], a.id
    db.session.remove()
    downgrade(revision="0025")
    db.engine.dispose()
    a = db.session.get(Layanan, layanan_id)
    db.session.add(_response(a, period="2025-02", answers=(2,) * 9, usia=30))
    db.session.commit()
    db.session.remove()
    upgrade()
    db.engine.dispose()
    assert skm_stats.summary_matches_raw()
    db.session.add(_response(db.session.get(Layanan, layanan_id), period="2025-03", usia=30))
    db.session.execute(update(SkmResponse).where(SkmResponse.id == ids[0]).values(period="2024-11"))
    db.session.execute(delete(SkmResponse).where(SkmResponse.id == ids[1]))
    db.session.commit()
    assert skm_stats.summary_matches_raw()
    assert _yearly("usia") == {("2024", "30-39"): 1, ("2025", "30-39"): 2}
