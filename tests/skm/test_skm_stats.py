"""The SQL aggregation gives exactly what analysis.ikm computes from the raw rows."""
import random
import uuid
from datetime import datetime

import pytest

from analysis.ikm import compute_ikm
from app.core.periods import parse_period
from app.extensions import db
from app.models import SkmResponse
from app.skm import summary as skm_stats


def _insert(layanan, period, answers, **flags):
    row = SkmResponse(instance_id=uuid.uuid4(), layanan_id=layanan.id, period=period,
                      submitted_at=datetime(int(period[:4]), int(period[5:]), 15), channel="web", **flags)
    for i, value in enumerate(answers, start=1):
        setattr(row, f"u{i}", value)
    db.session.add(row)
    return row


@pytest.fixture()
def data(tree, make_layanan):
    rng = random.Random(20261124)
    a = make_layanan("a", tree["psds"])
    b = make_layanan("b", tree["psds"])
    rows = {"a": [], "b": []}
    for name, layanan in (("a", a), ("b", b)):
        for _ in range(60):
            answers = [rng.choice([1, 2, 3, 4, 4, 3, None]) for _ in range(9)]
            rows[name].append(answers)
            _insert(layanan, "2025-02", answers)
    _insert(a, "2024-12", [1] * 9)  # outside the period
    flagged = [4] * 9
    _insert(a, "2025-03", flagged, flag_straightline=True)
    rows["a"].append(flagged)
    db.session.commit()
    return a, b, rows


def _as_mappings(rows):
    return [{f"U{i}": v for i, v in enumerate(r, start=1)} for r in rows]


def test_sql_aggregation_equals_raw_computation(data):
    a, b, rows = data
    period = parse_period("2025")
    by_layanan = skm_stats.ikm_by_layanan([a.id, b.id], period)
    for layanan, name in ((a, "a"), (b, "b")):
        expected = compute_ikm(_as_mappings(rows[name]))
        got = by_layanan[layanan.id]
        assert got.n_respondents == expected.n_respondents
        assert got.score_exact == expected.score_exact
        assert got.nrr == expected.nrr
        assert got.score_display == expected.score_display and got.grade == expected.grade
        assert got.confidence_interval() == pytest.approx(expected.confidence_interval(), abs=1e-9)
        assert got.confidence_interval(population=500) == pytest.approx(
            expected.confidence_interval(population=500), abs=1e-9)


def test_pooled_and_flag_exclusion(data):
    a, b, rows = data
    period = parse_period("2025")
    pooled = skm_stats.ikm_for([a.id, b.id], period)
    assert pooled.score_exact == compute_ikm(_as_mappings(rows["a"] + rows["b"])).score_exact
    unflagged = skm_stats.ikm_for([a.id], period, exclude_flagged=True)
    assert unflagged.n_respondents == 60
    assert unflagged.score_exact == compute_ikm(_as_mappings(rows["a"][:-1])).score_exact
    assert skm_stats.flag_counts([a.id], period) == {
        "total": 61, "flagged": 1, "straightline": 1, "too_fast": 0, "repeat_device": 0, "stamp_reused": 0}


def test_period_filter_and_empty_inputs(data):
    a, _b, _rows = data
    assert skm_stats.ikm_for([a.id], parse_period("2024-12")).score_display == 25
    assert skm_stats.ikm_for([a.id], parse_period("2023")) is None
    assert skm_stats.ikm_by_layanan([], parse_period("2025")) == {}
    assert skm_stats.ikm_for([], None) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summary_table_se_equals_raw_row_se_on_random_data(tree, make_layanan, seed):
    """Property (issue 12): the SE read from the summary tables is the SE of the raw rows."""
    rng = random.Random(seed)
    a = make_layanan("a", tree["psds"])
    kept, everything = [], []
    for _ in range(rng.randint(2, 80)):
        missing = rng.choice([0.0, 0.2, 0.6])
        answers = [None if rng.random() < missing else rng.randint(1, 4) for _ in range(9)]
        flagged = rng.random() < 0.2
        _insert(a, rng.choice(["2025-01", "2025-02", "2025-07"]), answers, flag_too_fast=flagged)
        everything.append(answers)
        if not flagged:
            kept.append(answers)
    db.session.commit()
    assert skm_stats.summary_matches_raw()
    period = parse_period("2025")
    for rows, exclude in ((everything, False), (kept, True)):
        if not any(v is not None for r in rows for v in r) or len(rows) < 2:
            continue
        expected = compute_ikm(_as_mappings(rows))
        got = skm_stats.ikm_for([a.id], period, exclude_flagged=exclude)
        assert got.score_exact == expected.score_exact
        population = len(rows) + rng.randint(0, 50)
        for pop in (None, population):
            assert got.se(pop) == pytest.approx(expected.se(pop), rel=1e-9, abs=1e-12)
            assert got.confidence_interval(population=pop) == pytest.approx(
                expected.confidence_interval(population=pop), abs=1e-9)
