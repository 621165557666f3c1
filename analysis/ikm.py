"""Indeks Kepuasan Masyarakat (IKM) from SKM answers, per PermenPAN-RB 14/2017.

The score is computed exactly (rational arithmetic on the integer sums) so that
a score whose true value is 88.305 displays as 88.31 and grades A however the
floats fall. Weights are exactly 1/k over the k unsur that have answers (k = 9
when every unsur was answered by someone). Answers are stored and passed by
unsur code, never by position.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from typing import NamedTuple

import numpy as np
from scipy import stats

from ._validate import as_count, as_level, as_population, as_real
from .rounding import round_half_up


class Unsur(NamedTuple):
    code: str
    name: str
    description: str
    labels: tuple[str, str, str, str]  # answer 1..4 as the questionnaire words them


UNSUR: tuple[Unsur, ...] = (
    Unsur("U1", "Persyaratan", "Kesesuaian persyaratan pelayanan dengan jenis pelayanannya",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur("U2", "Sistem, mekanisme dan prosedur", "Kemudahan prosedur pelayanan",
          ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    Unsur("U3", "Waktu penyelesaian", "Kecepatan waktu dalam memberikan pelayanan",
          ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    Unsur("U4", "Biaya/tarif", "Kewajaran biaya/tarif dalam pelayanan",
          ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    Unsur("U5", "Produk spesifikasi jenis pelayanan",
          "Kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur("U6", "Kompetensi pelaksana", "Kompetensi/kemampuan petugas dalam pelayanan",
          ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    Unsur("U7", "Perilaku pelaksana", "Perilaku petugas dalam pelayanan terkait kesopanan dan keramahan",
          ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah")),
    Unsur("U8", "Penanganan pengaduan, saran dan masukan", "Penanganan pengaduan pengguna layanan",
          ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik")),
    Unsur("U9", "Sarana dan prasarana", "Kualitas sarana dan prasarana",
          ("Buruk", "Cukup", "Baik", "Sangat baik")),
)

CODES: tuple[str, ...] = tuple(u.code for u in UNSUR)
_CODESET = frozenset(CODES)

# (lowest score of the band on the 2-decimal display scale, mutu, kinerja)
GRADES: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)


def grade(score) -> tuple[str, str]:
    """(mutu, kinerja) for a 25-100 score, judged on the score rounded to 2 decimals half-up.

    Bands are closed below and meet exactly, so every displayed score has one
    grade: 88.305 shows as 88.31 and is an A, 76.605 shows as 76.61 and is a B.
    """
    shown = round_half_up(score, 2)
    if shown < Decimal("25.00") or shown > Decimal("100.00"):
        raise ValueError(f"an IKM score lies between 25 and 100, got {score!r}")
    for lowest, mutu, kinerja in GRADES:
        if shown >= lowest:
            return mutu, kinerja
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class _RespondentStats:
    count: int
    total: float
    total_sq: float


@dataclass(frozen=True)
class IkmResult:
    """One IKM computation. ``index`` and ``score`` are unrounded; only ``score_display`` is rounded."""

    n_respondents: int
    nrr: dict[str, float]
    nrr_weighted: dict[str, float]
    counts: dict[str, int]
    index: float
    score: float
    score_exact: Fraction
    score_display: Decimal
    grade: str
    performance: str
    _respondents: _RespondentStats | None = field(default=None, repr=False, compare=False)

    def confidence_interval(self, level: float = 0.95, population=None) -> tuple[float, float]:
        """t interval on the 25-100 scale, from the spread of respondent means.

        The interval is centred on ``score`` (the NRR-based value the report
        shows); its half-width is t(df = r-1) x 25 x SE of the mean of the r
        respondent means, with the finite-population factor (1 - r/N) when the
        number of service users N in the period is known. Bounds are clipped
        to [25, 100].
        """
        level = as_level(level)
        rs = self._respondents
        if rs is None:
            raise ValueError(
                "the interval needs respondent-level sums: pass respondent_sum, respondent_sumsq "
                "and respondent_count to compute_ikm_from_sums"
            )
        if rs.count < 2:
            raise ValueError("the interval needs at least 2 respondents with an answer")
        population = as_population(population, max(rs.count, self.n_respondents))
        mean = rs.total / rs.count
        var = max(0.0, (rs.total_sq - rs.total * mean) / (rs.count - 1))
        fpc = 1.0 if population is None else (population - rs.count) / population
        se = math.sqrt(var / rs.count * fpc)
        half = 25.0 * float(stats.t.ppf(0.5 + level / 2.0, rs.count - 1)) * se
        return max(25.0, self.score - half), min(100.0, self.score + half)


def _build(sums: dict[str, int], counts: dict[str, int], n_respondents: int,
           respondents: _RespondentStats | None) -> IkmResult:
    answered = [c for c in CODES if counts[c] > 0]
    if not answered:
        raise ValueError("no unsur has any answer: the IKM needs at least one answered unsur")
    k = len(answered)
    nrr_exact = {c: Fraction(sums[c], counts[c]) for c in answered}
    index_exact = sum(nrr_exact.values(), Fraction(0)) / k
    score_exact = index_exact * 25
    display = round_half_up(score_exact, 2)
    mutu, kinerja = grade(display)
    return IkmResult(
        n_respondents=n_respondents,
        nrr={c: float(v) for c, v in nrr_exact.items()},
        nrr_weighted={c: float(v / k) for c, v in nrr_exact.items()},
        counts={c: counts[c] for c in CODES},
        index=float(index_exact),
        score=float(score_exact),
        score_exact=score_exact,
        score_display=display,
        grade=mutu,
        performance=kinerja,
        _respondents=respondents,
    )


_INT_TYPES = frozenset({int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64})
_ANSWER_CODE = {None: 0, 1: 1, 2: 2, 3: 3, 4: 4}


def _matrix_from_responses(responses: Iterable[Mapping]) -> np.ndarray:
    """(n, 9) int8 matrix in CODES order, 0 = not answered, after strict validation."""
    rows = []
    for i, r in enumerate(responses):
        if not isinstance(r, Mapping):
            raise ValueError(f"response {i} is not a mapping of unsur code to answer")
        if not _CODESET.issuperset(r.keys()):
            unknown = sorted(map(repr, set(r.keys()) - _CODESET))
            raise ValueError(f"response {i} has unknown unsur code(s) {', '.join(unknown)}")
        rows.append(tuple(map(r.get, CODES)))
    flat = list(chain.from_iterable(rows))
    types = set(map(type, flat))
    if not types <= _INT_TYPES | {type(None)}:
        bad = next(v for v in flat if type(v) not in _INT_TYPES and v is not None)
        pos = next(j for j, v in enumerate(flat) if v is bad)
        raise ValueError(
            f"response {pos // 9}, {CODES[pos % 9]}: answer must be an integer 1-4 or None, got {bad!r}"
        )
    try:
        coded = list(map(_ANSWER_CODE.__getitem__, flat))
    except KeyError:
        pos = next(j for j, v in enumerate(flat) if v not in _ANSWER_CODE)
        raise ValueError(
            f"response {pos // 9}, {CODES[pos % 9]}: answer must be 1-4, got {flat[pos]!r}"
        ) from None
    return np.array(coded, dtype=np.int8).reshape(len(rows), len(CODES))


def _from_matrix(matrix: np.ndarray) -> IkmResult:
    answered = matrix > 0
    counts_arr = answered.sum(axis=0, dtype=np.int64)
    sums_arr = matrix.sum(axis=0, dtype=np.int64)
    row_counts = answered.sum(axis=1, dtype=np.int64)
    row_sums = matrix.sum(axis=1, dtype=np.int64)
    has = row_counts > 0
    means = row_sums[has] / row_counts[has]
    respondents = _RespondentStats(int(has.sum()), float(means.sum()), float(np.dot(means, means)))
    sums = {c: int(sums_arr[j]) for j, c in enumerate(CODES)}
    counts = {c: int(counts_arr[j]) for j, c in enumerate(CODES)}
    return _build(sums, counts, int(matrix.shape[0]), respondents)


def compute_ikm(responses: Iterable[Mapping]) -> IkmResult:
    """IKM from raw responses: each a mapping of unsur code to 1-4 or None (not answered).

    ``n_respondents`` counts every response given, including one that answered
    nothing; the interval uses only respondents with at least one answer.
    """
    return _from_matrix(_matrix_from_responses(responses))


def _column(code: str, col) -> np.ndarray:
    if isinstance(col, np.ndarray) and col.dtype.kind in "iu":
        arr = col
    else:
        values = list(col)
        for v in values:
            if v is not None and type(v) not in _INT_TYPES:
                raise ValueError(f"{code}: answers must be integers 1-4 or None, got {v!r}")
        arr = np.array([0 if v is None else v for v in values], dtype=np.int64)
    if arr.ndim != 1:
        raise ValueError(f"{code}: a column must be one-dimensional")
    if arr.size and (arr.min() < 0 or arr.max() > 4):
        raise ValueError(f"{code}: answers must be 1-4 (0 or None for not answered)")
    return arr


def compute_ikm_columns(columns: Mapping[str, Iterable]) -> IkmResult:
    """IKM from per-unsur answer columns (equal length; 0 or None = not answered).

    The fast path for callers that already hold columns, e.g. a query returning
    u1..u9; columns are keyed by code so position never matters.
    """
    if not isinstance(columns, Mapping):
        raise ValueError("columns must map unsur code to a column of answers")
    if not _CODESET.issuperset(columns.keys()):
        unknown = sorted(map(repr, set(columns.keys()) - _CODESET))
        raise ValueError(f"unknown unsur code(s) {', '.join(unknown)}")
    arrays = {code: _column(code, col) for code, col in columns.items()}
    lengths = {a.shape[0] for a in arrays.values()}
    if len(lengths) > 1:
        raise ValueError("all unsur columns must have the same length")
    n = lengths.pop() if lengths else 0
    matrix = np.zeros((n, len(CODES)), dtype=np.int8)
    for j, code in enumerate(CODES):
        if code in arrays:
            matrix[:, j] = arrays[code]
    return _from_matrix(matrix)


def compute_ikm_from_sums(sums: Mapping[str, tuple], n_respondents, *, respondent_sum=None,
                          respondent_sumsq=None, respondent_count=None) -> IkmResult:
    """IKM from database aggregates; equal to compute_ikm on the same rows.

    ``sums`` maps unsur code to (SUM(u), COUNT(u)); a code left out had no answers.
    For the interval also pass, over respondents with at least one answer,
    m_i = (coalesce(u1,0)+...+coalesce(u9,0)) / ((u1 is not null)::int+...+(u9 is not null)::int):
    ``respondent_sum`` = SUM(m_i), ``respondent_sumsq`` = SUM(m_i * m_i) and
    ``respondent_count`` = COUNT(*) of those respondents. See docs/METHODS.md.
    """
    if not isinstance(sums, Mapping):
        raise ValueError("sums must map unsur code to (sum, count)")
    n_resp = as_count(n_respondents, "n_respondents")
    if not _CODESET.issuperset(sums.keys()):
        unknown = sorted(map(repr, set(sums.keys()) - _CODESET))
        raise ValueError(f"unknown unsur code(s) {', '.join(unknown)}")
    total = {c: 0 for c in CODES}
    count = {c: 0 for c in CODES}
    for code, pair in sums.items():
        try:
            s, k = pair
        except (TypeError, ValueError):
            raise ValueError(f"{code}: expected a (sum, count) pair, got {pair!r}") from None
        s = as_count(s, f"{code} sum")
        k = as_count(k, f"{code} count")
        if k > n_resp:
            raise ValueError(f"{code}: {k} answers from only {n_resp} respondents")
        if not k <= s <= 4 * k:
            raise ValueError(f"{code}: a sum of {s} is impossible for {k} answers on a 1-4 scale")
        total[code], count[code] = s, k

    given = [respondent_sum is not None, respondent_sumsq is not None, respondent_count is not None]
    respondents = None
    if any(given):
        if not all(given):
            raise ValueError("respondent_sum, respondent_sumsq and respondent_count go together")
        r = as_count(respondent_count, "respondent_count")
        if r > n_resp:
            raise ValueError(f"respondent_count {r} exceeds n_respondents {n_resp}")
        rs = as_real(respondent_sum, "respondent_sum")
        rss = as_real(respondent_sumsq, "respondent_sumsq")
        tol = 1e-9 * max(1.0, abs(rss))
        if not r * 1.0 - 1e-9 * max(1, r) <= rs <= 4.0 * r + 1e-9 * max(1, r):
            raise ValueError("respondent_sum is impossible for respondent means on a 1-4 scale")
        if r and rss < rs * rs / r - tol:
            raise ValueError("respondent_sumsq is smaller than respondent_sum**2 / respondent_count")
        if r == 0 and any(count.values()):
            raise ValueError("respondent_count is 0 but some unsur have answers")
        respondents = _RespondentStats(r, rs, rss)
    return _build(total, count, n_resp, respondents)


def rollup(parts: Iterable[tuple]) -> float:
    """Respondent-weighted score across units, as the ministry rolls up Eselon I results."""
    weighted = Fraction(0)
    total = 0
    for i, part in enumerate(parts):
        try:
            score, n = part
        except (TypeError, ValueError):
            raise ValueError(f"part {i}: expected (score, n_respondents), got {part!r}") from None
        s = as_real(score, f"part {i} score")
        if not 0.0 <= s <= 100.0:
            raise ValueError(f"part {i}: score {s} is outside 0-100")
        n = as_count(n, f"part {i} n_respondents")
        weighted += Fraction(repr(s)) * n
        total += n
    if total == 0:
        raise ValueError("rollup needs at least one respondent")
    return float(weighted / total)
