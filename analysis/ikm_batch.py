"""IKM for many layanan at once: numpy over the summed columns, the same numbers as analysis.ikm_sums.

A report over 5,000 layanan called compute_ikm_from_sums 5,000 times, and its
input checks and 45-pair linearisation in Python were most of the report's time
(issue 17). Here the checks, the per-unsur sums of squares and the 45 cross terms
of every layanan are array operations, and the results are bit for bit those of
compute_ikm_from_sums (tests/analysis/test_ikm_batch.py):

* each numerator T_uv = n_u n_v P_uv - n_u S_v A_uv - n_v S_u B_uv + S_u S_v C_uv is
  computed exactly in int64: T_uv = n_u n_v sum (y_u - R_u)(y_v - R_v), so
  |T_uv| <= 9 n^3 < 2^63 for n < 10^6 (wrap-around in the intermediate products
  cancels, as integer arithmetic is exact modulo 2^64); bigger layanan take the
  scalar path;
* a term is divided as floats only where numerator and denominator are exact
  (< 2^53), where the quotient is the one correctly rounded value Python's
  int / int gives; the other terms are divided as Python ints;
* each layanan's terms are summed with math.fsum, as before.

A row that fails a check goes through compute_ikm_from_sums, which raises the
ValueError naming the unsur, so corrupt sums never score.
"""
from __future__ import annotations

import math

import numpy as np

from .ikm import CODES, PAIRS, IkmResult, _build, _Linearisation
from .ikm_sums import compute_ikm_from_sums

_U = np.array([CODES.index(u) for u, _v in PAIRS])
_V = np.array([CODES.index(v) for _u, v in PAIRS])
_DIAG = _U == _V
_EXACT = 2 ** 53
MAX_N = 1_000_000  # 9 n^3 < 2^63: every T_uv is exact in int64


def _matrix(values, shape: tuple[int, ...], name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.int64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{name} must hold integer counts") from exc
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    return array


def _scalar(i: int, n, sums, counts, cross) -> IkmResult:
    """compute_ikm_from_sums on row i: the reference, and the path for what the arrays cannot hold."""
    answered = {c: (int(sums[i, j]), int(counts[i, j])) for j, c in enumerate(CODES) if counts[i, j]}
    pairs = None if cross is None else {pair: tuple(int(x) for x in cross[i, m]) for m, pair in enumerate(PAIRS)}
    return compute_ikm_from_sums(answered, int(n[i]), cross=pairs)


def _impossible(n, sums, counts, cross) -> np.ndarray:
    """Rows whose sums compute_ikm_from_sums would refuse."""
    bad = (n < 0) | (counts < 0).any(1) | (counts > n[:, None]).any(1) | ((sums < counts) | (sums > 4 * counts)).any(1)
    bad |= (n == 0) & (counts > 0).any(1)
    if cross is not None:
        c, a, b, p = (cross[..., q] for q in range(4))
        limit = np.minimum(counts[:, _U], counts[:, _V])
        bad |= ((c < 0) | (c > limit) | (a < c) | (a > 4 * c) | (b < c) | (b > 4 * c) | (p < c) | (p > 16 * c)).any(1)
        bad |= ((c[:, _DIAG] != counts) | (a[:, _DIAG] != sums) | (b[:, _DIAG] != sums)).any(1)
    return bad


def _terms(sums, counts, cross) -> np.ndarray:
    """(H, 45) terms of sum_i z_i^2 before the (25/k)^2 factor; 0 for a pair with an unanswered unsur."""
    c, a, b, p = (cross[..., q] for q in range(4))
    n_u, n_v, s_u, s_v = counts[:, _U], counts[:, _V], sums[:, _U], sums[:, _V]
    with np.errstate(over="ignore"):
        numerator = n_u * n_v * p - n_u * s_v * a - n_v * s_u * b + s_u * s_v * c
    factor = np.where(_DIAG, 1.0, 2.0)
    nn = n_u * n_v
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = factor * numerator.astype(np.float64) / np.square(nn.astype(np.float64))
    terms[nn == 0] = 0.0
    inexact = (nn > 0) & ((np.abs(numerator) > _EXACT) | (nn > 94_906_265))  # 94,906,265^2 < 2^53
    for i, m in zip(*np.nonzero(inexact), strict=True):
        value = int(numerator[i, m]) * (1 if _DIAG[m] else 2)
        terms[i, m] = value / int(nn[i, m]) ** 2
    return terms


def ikm_batch(n_respondents, sums, counts, cross=None) -> list[IkmResult | None]:
    """compute_ikm_from_sums for H layanan at once; None for a layanan without any answer.

    ``n_respondents`` (H,); ``sums`` and ``counts`` (H, 9), columns in CODES order
    (count 0: the unsur had no answers, its sum is ignored); ``cross`` None or
    (H, 45, 4): (count, sum_u, sum_v, sum_uv) per pair in PAIRS order.
    """
    n = np.asarray(n_respondents, dtype=np.int64).reshape(-1)
    rows = n.shape[0]
    counts = _matrix(counts, (rows, len(CODES)), "counts")
    sums = np.where(counts == 0, 0, _matrix(sums, (rows, len(CODES)), "sums"))
    if cross is not None:
        cross = _matrix(cross, (rows, len(PAIRS), 4), "cross")
    answered = counts > 0
    empty = ~answered.any(1)
    scalar = (_impossible(n, sums, counts, cross) | (n >= MAX_N)) & ~empty
    out: list[IkmResult | None] = [None] * rows
    n_list, s_list, k_list = n.tolist(), sums.tolist(), counts.tolist()
    ss = terms = None
    if cross is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            ss = ((counts * cross[:, _DIAG, 3] - sums * sums) / counts).tolist()
        terms = _terms(sums, counts, cross).tolist()
    k_answered = answered.sum(1).tolist()
    answered_list = answered.tolist()
    for i in range(rows):
        if empty[i]:
            continue
        if scalar[i]:
            out[i] = _scalar(i, n, sums, counts, cross)
            continue
        linearisation = None
        if cross is not None:
            sum_z2 = max(0.0, math.fsum(terms[i])) * (25 / k_answered[i]) ** 2
            unsur_ss = {c: ss[i][j] for j, c in enumerate(CODES) if answered_list[i][j]}
            linearisation = _Linearisation(n_list[i], sum_z2, unsur_ss)
        out[i] = _build(dict(zip(CODES, s_list[i], strict=True)), dict(zip(CODES, k_list[i], strict=True)),
                        n_list[i], linearisation)
    return out
