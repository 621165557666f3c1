"""The vectorised comparison used by large rankings gives compare()'s figures, pair by pair."""
from __future__ import annotations

import math
import random

import pytest

from analysis.comparison import compare, compare_many, holm
from analysis.estimate import Estimate
from app.reports import ikm_inference


def _random_estimates(rng: random.Random, count: int) -> list[Estimate]:
    out = []
    for i in range(count):
        variance = 0.0 if i % 11 == 0 else rng.uniform(0.01, 20.0)
        out.append(Estimate(rng.choice((rng.uniform(25, 100), 80.0)), variance, rng.randint(1, 5000)))
    return out


def _same(a, b) -> None:
    for field in ("difference", "se", "low", "high", "p_value", "level"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-12, abs=1e-15), field
    assert a.df == b.df or (math.isinf(a.df) and math.isinf(b.df)) or a.df == pytest.approx(b.df, rel=1e-12)


def test_compare_many_equals_compare_on_random_estimates():
    rng = random.Random(17)
    firsts, seconds = _random_estimates(rng, 400), _random_estimates(rng, 400)
    seconds[5] = firsts[5]  # identical census figures: difference 0, p 1
    for got, a, b in zip(compare_many(firsts, seconds), firsts, seconds, strict=True):
        _same(got, compare(a, b))
    assert compare_many([], []) == []
    with pytest.raises(ValueError):
        compare_many(firsts[:2], seconds[:1])


def test_small_ranking_compares_every_pair_as_before():
    rng = random.Random(3)
    estimates = {f"lay-{i}": e for i, e in enumerate(_random_estimates(rng, 8))}
    ranking = ikm_inference.rank_layanan(estimates)
    assert ranking.family == ikm_inference.FAMILY_ALL and len(ranking.pairs) == 8 * 7 // 2
    order = sorted(estimates, key=lambda s: (-estimates[s].value, s))
    raw = [(a, b, compare(estimates[a], estimates[b])) for i, a in enumerate(order) for b in order[i + 1:]]
    for (a, b, d), p, pair in zip(raw, holm([d.p_value for _a, _b, d in raw]), ranking.pairs, strict=True):
        assert (pair.higher, pair.lower) == (a, b) and pair.p_holm == pytest.approx(p, rel=1e-12)
        _same(pair.difference, d)
    assert ranking.between(order[3], order[0]) is ranking.pairs[2]


def test_large_ranking_compares_adjacent_pairs_holm_over_them():
    rng = random.Random(5)
    estimates = {f"lay-{i:04d}": e for i, e in enumerate(_random_estimates(rng, ikm_inference.ALL_PAIRS_LIMIT + 20))}
    ranking = ikm_inference.rank_layanan(estimates)
    assert ranking.family == ikm_inference.FAMILY_ADJACENT
    order = ranking.order
    assert len(ranking.pairs) == len(order) - 1
    raw = [compare(estimates[a], estimates[b]) for a, b in zip(order, order[1:], strict=False)]
    for pair, d, p in zip(ranking.adjacent, raw, holm([d.p_value for d in raw]), strict=True):
        _same(pair.difference, d)
        assert pair.p_holm == pytest.approx(p, rel=1e-12)
    assert ranking.between(order[0], order[2]) is None  # not adjacent: not compared


def test_ranking_note_says_which_pairs_were_compared():
    rng = random.Random(9)
    small = ikm_inference.rank_layanan({f"a{i}": e for i, e in enumerate(_random_estimates(rng, 3))})
    large = ikm_inference.rank_layanan({f"b{i}": e for i, e in enumerate(_random_estimates(rng, 40))})
    assert small.note == "Nilai p setiap pasangan disesuaikan dengan koreksi Holm."
    assert large.note.startswith("Lebih dari 30 layanan: setiap layanan dibandingkan dengan layanan di bawahnya")
