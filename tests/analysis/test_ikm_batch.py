"""Issue 17: analysis.ikm_batch scores many layanan at once with exactly the numbers of the per-layanan path.

The reference is compute_ikm_from_sums row by row (the scalar path the report
used before) and compute_ikm on the raw answers. Shapes: one respondent,
all-same answers, unsur nobody answered, respondents who answered nothing,
layanan large enough for the Python-int division (n_u n_v > 94,906,265) and for
the scalar fallback (n >= 10^6), and corrupt sums, which must raise the scalar
path's own error.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

from analysis.ikm import CODES, PAIRS, compute_ikm_columns
from analysis.ikm_batch import MAX_N, ikm_batch
from analysis.ikm_sums import compute_ikm_from_sums


def _sums(matrix: np.ndarray) -> tuple[int, list[int], list[int], list[list[int]]]:
    """What the summary tables hold for these answers (0 = not answered)."""
    answered = matrix > 0
    y = matrix.astype(np.int64)
    cross = []
    for u, v in PAIRS:
        i, j = CODES.index(u), CODES.index(v)
        both = answered[:, i] & answered[:, j]
        cross.append([int(both.sum()), int((y[:, i] * both).sum()), int((y[:, j] * both).sum()),
                      int((y[:, i] * y[:, j]).sum())])
    return (matrix.shape[0], [int(x) for x in y.sum(0)], [int(x) for x in answered.sum(0)], cross)


def _shape(rng: random.Random, kind: str) -> np.ndarray:
    n = {"one": 1, "two": 2, "small": rng.randint(3, 40), "big": rng.randint(9_800, 12_000)}.get(kind, 25)
    gen = np.random.default_rng(rng.randint(0, 2**32))
    matrix = gen.choice(np.array([1, 2, 3, 4], dtype=np.int8), size=(n, 9), p=[0.05, 0.15, 0.4, 0.4])
    if kind == "same":
        matrix[:] = rng.randint(1, 4)
    elif kind == "holes":
        matrix[gen.random((n, 9)) < 0.3] = 0
    elif kind == "unanswered_unsur":
        matrix[:, rng.sample(range(9), rng.randint(1, 8))] = 0
    elif kind == "blank_respondents":
        matrix[: max(1, n // 3)] = 0
    elif kind == "straightliners":
        matrix[: n // 2] = matrix[: n // 2, :1]
    return matrix


KINDS = ("one", "two", "small", "same", "holes", "unanswered_unsur", "blank_respondents", "straightliners", "big")


def _scalar(n, sums, counts, cross, with_cross=True):
    answered = {c: (s, k) for c, s, k in zip(CODES, sums, counts, strict=True) if k}
    if not answered:
        return None
    pairs = {pair: tuple(x) for pair, x in zip(PAIRS, cross, strict=True)} if with_cross else None
    return compute_ikm_from_sums(answered, n, cross=pairs)


def _same(got, want):
    assert (got is None) == (want is None)
    if want is None:
        return
    assert got == want  # every public field, exactly (the dataclass compares all but the linearisation)
    assert got._linearisation == want._linearisation  # sum_z2 and each unsur's sum of squares, bit for bit


@pytest.mark.parametrize("seed", range(6))
def test_the_batch_equals_the_scalar_path_on_random_layanan_of_every_shape(seed):
    rng = random.Random(1700 + seed)
    data = [_sums(_shape(rng, rng.choice(KINDS))) for _ in range(60)]
    data.append(_sums(np.zeros((4, 9), dtype=np.int8)))  # four respondents who answered nothing: no IKM
    n, sums, counts, cross = (list(x) for x in zip(*data, strict=True))
    got = ikm_batch(n, sums, counts, cross)
    for i, row in enumerate(data):
        _same(got[i], _scalar(*row))
    assert got[-1] is None
    without = ikm_batch(n, sums, counts)
    for i, row in enumerate(data):
        _same(without[i], _scalar(*row, with_cross=False))


def test_the_batch_equals_compute_ikm_on_the_raw_answers():
    rng = random.Random(17)
    matrices = [_shape(rng, kind) for kind in KINDS for _ in range(3)]
    data = [_sums(m) for m in matrices]
    got = ikm_batch(*(list(x) for x in zip(*data, strict=True)))
    for matrix, result in zip(matrices, got, strict=True):
        want = compute_ikm_columns({c: matrix[:, j] for j, c in enumerate(CODES)})
        assert (result.score, result.score_display, result.nrr, result.counts, result.n_respondents) == \
            (want.score, want.score_display, want.nrr, want.counts, want.n_respondents)
        if want.n_respondents >= 2:
            assert result.variance() == pytest.approx(want.variance(), rel=1e-12, abs=1e-12)
            for code in want.nrr:
                assert result.nrr_variance(code) == pytest.approx(want.nrr_variance(code), rel=1e-12, abs=1e-12)
                assert result.nrr_variances()[code] == result.nrr_variance(code)


def test_all_same_answers_have_no_spread_and_one_answer_has_no_interval():
    same = _sums(np.full((50, 9), 3, dtype=np.int8))
    one = _sums(np.array([[4, 3, 2, 1, 4, 3, 2, 1, 4]], dtype=np.int8))
    got_same, got_one = ikm_batch(*(list(x) for x in zip(same, one, strict=True)))
    assert got_same.score == 75.0 and got_same.variance() == 0.0
    assert got_one.n_respondents == 1
    with pytest.raises(ValueError, match="at least 2 respondents"):
        got_one.variance()


def test_a_layanan_past_the_int64_bound_takes_the_scalar_path_with_the_same_result():
    n = MAX_N + 3
    matrix_rows = np.full((9, 9), 3, dtype=np.int8)
    for k in range(9):
        matrix_rows[:k, k] = 4  # k of these 9 respondents answered 4 on unsur k
    base = _sums(matrix_rows)
    rest = n - 9  # the other respondents answered 3 everywhere
    sums = [s + 3 * rest for s in base[1]]
    counts = [k + rest for k in base[2]]
    cross = [[c + rest, a + 3 * rest, b + 3 * rest, p + 9 * rest] for c, a, b, p in base[3]]
    got = ikm_batch([n], [sums], [counts], [cross])[0]
    _same(got, _scalar(n, sums, counts, cross))


@pytest.mark.parametrize("corrupt, message", [
    (lambda s, k, c: s.__setitem__(2, 4 * k[2] + 1), "U3: a sum of"),
    (lambda s, k, c: c[PAIRS.index(("U1", "U2"))].__setitem__(0, k[0] + 1), "U1xU2: the sums"),
    (lambda s, k, c: c[PAIRS.index(("U4", "U4"))].__setitem__(3, 0), "U4xU4: the sums"),
])
def test_corrupt_sums_raise_the_scalar_paths_error(corrupt, message):
    good = _sums(_shape(random.Random(3), "small"))
    n, sums, counts, cross = good[0], list(good[1]), list(good[2]), [list(x) for x in good[3]]
    corrupt(sums, counts, cross)
    with pytest.raises(ValueError, match=message):
        ikm_batch([good[0], n], [good[1], sums], [good[2], counts], [good[3], cross])


def test_rollup_equals_the_exact_fraction_sum_it_replaced():
    """rollup sums in Decimal now (Fraction only when a sum would need more than 200 digits)."""
    from fractions import Fraction

    from analysis.ikm import rollup

    def reference(parts):
        weighted = sum((Fraction(repr(float(s))) * n for s, n in parts), start=Fraction(0))
        return float(weighted / sum(n for _s, n in parts))

    rng = random.Random(29)
    for _ in range(2000):
        parts = [(rng.choice([rng.uniform(25, 100), 88.305, 76.605, 100.0, 0.0, 5e-324, 1e-300,
                              rng.uniform(0, 1e-12)]), rng.randint(1, 10 ** rng.randint(0, 12)))
                 for _ in range(rng.randint(1, 40))]
        assert rollup(parts) == reference(parts), parts
