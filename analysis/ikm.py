"""Indeks Kepuasan Masyarakat (IKM) from SKM answers, per PermenPAN-RB 14/2017.

The score is computed exactly (rational arithmetic on the integer sums) so that
a score whose true value is 88.305 displays as 88.31 and grades A however the
floats fall. Weights are exactly 1/k over the k unsur that have answers (k = 9
when every unsur was answered by someone). Answers are stored and passed by
unsur code, never by position.

The interval belongs to that same score: the Taylor linearisation of
S = 25/k * sum_u (Y_u / R_u) (Wolter 2007, ch. 6; Lumley 2010, section 2),
equal to R survey's svycontrast of the svytotal of the y and r columns. Its
variance needs only the per-pair cross-product sums (``PAIRS``), which the
database keeps by trigger, so no report scans the responses (analysis.ikm_sums).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact, Rounded
from fractions import Fraction
from itertools import chain
from typing import NamedTuple

import numpy as np
from scipy import stats

from ._validate import as_count, as_level, as_population, as_real
from .rounding import round_half_up
from .sample_size import krejcie_morgan


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


# Every unordered pair of unsur (u <= v) in CODES order: 9 squares and 36 cross pairs.
PAIRS: tuple[tuple[str, str], ...] = tuple((a, b) for i, a in enumerate(CODES) for b in CODES[i:])


@dataclass(frozen=True)
class _Linearisation:
    """What the linearised variance needs: the n respondents in the design and sum_i z_i^2."""

    n: int
    sum_z2: float
    unsur_ss: dict[str, float] = field(default_factory=dict)  # sum_i r_iu (y_iu - NRR_u)^2 per answered unsur


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
    _linearisation: _Linearisation | None = field(default=None, repr=False, compare=False)

    @property
    def df(self) -> int:
        """Degrees of freedom of the interval: n - 1 (respondents in the design)."""
        return self.n_respondents - 1

    def variance(self, population=None) -> float:
        """Linearised variance of ``score``: n/(n-1) * sum z_i^2 * (1 - n/N), fpc only with N.

        z_i = 25/k * sum_u r_iu (y_iu - NRR_u) / n_u is respondent i's influence
        value (0 for a respondent who answered nothing). See docs/METHODS.md.
        """
        lin = self._linearisation
        if lin is None:
            raise ValueError("the variance needs the cross-product sums: pass cross to compute_ikm_from_sums")
        if lin.n < 2:
            raise ValueError("the interval needs at least 2 respondents")
        population = as_population(population, lin.n)
        fpc = 1.0 if population is None else (population - lin.n) / population
        return lin.n / (lin.n - 1) * lin.sum_z2 * fpc

    def se(self, population=None) -> float:
        return math.sqrt(self.variance(population))

    def nrr_variance(self, code: str, population=None) -> float:
        """Linearised variance of one unsur's NRR (a ratio): n/(n-1) sum r (y - NRR)^2 / n_u^2 (1 - n/N)."""
        if code not in self.nrr:
            raise ValueError(f"{code} has no answers")
        lin = self._linearisation
        if lin is None or lin.n < 2:
            raise ValueError("the variance needs the cross-product sums and at least 2 respondents")
        population = as_population(population, lin.n)
        fpc = 1.0 if population is None else (population - lin.n) / population
        return lin.n / (lin.n - 1) * lin.unsur_ss[code] / self.counts[code] ** 2 * fpc

    def nrr_variances(self, population=None) -> dict[str, float]:
        """nrr_variance of every answered unsur at once, with the same arithmetic (a report asks 9 x 5,000)."""
        lin = self._linearisation
        if lin is None or lin.n < 2:
            raise ValueError("the variance needs the cross-product sums and at least 2 respondents")
        population = as_population(population, lin.n)
        fpc = 1.0 if population is None else (population - lin.n) / population
        factor = lin.n / (lin.n - 1)
        return {code: factor * lin.unsur_ss[code] / self.counts[code] ** 2 * fpc for code in self.nrr}

    def confidence_interval(self, level: float = 0.95, population=None) -> tuple[float, float]:
        """t interval (df = n - 1) centred on ``score`` from its linearised SE, clipped to [25, 100].

        Equal to R: confint(svycontrast(svytotal(~y1+..+y9+r1+..+r9, des), S), df = degf(des))
        for des = svydesign(ids = ~1, fpc = N) - see tests/analysis/fixtures/ikm_linearised.R.
        """
        level = as_level(level)
        se = self.se(population)
        half = float(stats.t.ppf(0.5 + level / 2.0, self.df)) * se
        return max(25.0, self.score - half), min(100.0, self.score + half)


def _build(sums: dict[str, int], counts: dict[str, int], n_respondents: int,
           linearisation: _Linearisation | None) -> IkmResult:
    answered = [c for c in CODES if counts[c] > 0]
    if not answered:
        raise ValueError("no unsur has any answer: the IKM needs at least one answered unsur")
    k = len(answered)
    # Exact, as with Fractions, but over one common denominator: a report builds thousands of
    # these. int / int is correctly rounded in Python, so each float equals float(Fraction(...)).
    common = math.lcm(*(counts[c] for c in answered))
    numerator = sum(sums[c] * (common // counts[c]) for c in answered)
    denominator = k * common
    score_exact = Fraction(25 * numerator, denominator)
    # round_half_up(score_exact, 2) in integers: floor(100 S + 1/2) = floor((5000 num + den) / (2 den)), S > 0.
    display = Decimal((5000 * numerator + denominator) // (2 * denominator)).scaleb(-2)
    mutu, kinerja = grade(display)
    return IkmResult(
        n_respondents=n_respondents,
        nrr={c: sums[c] / counts[c] for c in answered},
        nrr_weighted={c: sums[c] / (counts[c] * k) for c in answered},
        counts={c: counts[c] for c in CODES},
        index=numerator / denominator,
        score=25 * numerator / denominator,  # int / int is correctly rounded: float(score_exact)
        score_exact=score_exact,
        score_display=display,
        grade=mutu,
        performance=kinerja,
        _linearisation=linearisation,
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
    sums = {c: int(sums_arr[j]) for j, c in enumerate(CODES)}
    counts = {c: int(counts_arr[j]) for j, c in enumerate(CODES)}
    linearisation = None
    cols = counts_arr > 0
    if cols.any():
        # Influence values straight from the rows: z_i = 25/k sum_u r_iu (y_iu - NRR_u) / n_u.
        nrr = sums_arr[cols] / counts_arr[cols]
        y = matrix[:, cols].astype(np.float64)
        dev = np.where(answered[:, cols], y - nrr, 0.0) / counts_arr[cols]
        z = dev.sum(axis=1) * (25.0 / int(cols.sum()))
        ss = (dev * counts_arr[cols]) ** 2
        answered_codes = [c for j, c in enumerate(CODES) if cols[j]]
        unsur_ss = {c: math.fsum(ss[:, k]) for k, c in enumerate(answered_codes)}
        linearisation = _Linearisation(int(matrix.shape[0]), math.fsum(z * z), unsur_ss)
    return _build(sums, counts, int(matrix.shape[0]), linearisation)


def compute_ikm(responses: Iterable[Mapping]) -> IkmResult:
    """IKM from raw responses: each a mapping of unsur code to 1-4 or None (not answered).

    ``n_respondents`` counts every response given, including one that answered
    nothing, and enters the interval with influence value 0 (as a row of R's design does).
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


# Decimal arithmetic that must stay exact: a rounded step raises, and rollup falls back to Fraction.
_EXACT_DECIMAL = Context(prec=200, traps=[Inexact, Rounded])


def rollup(parts: Iterable[tuple]) -> float:
    """Respondent-weighted score across units, as the ministry rolls up Eselon I results.

    Each score counts as the decimal it displays as (its repr), summed exactly:
    in Decimal, which is exact here and ten times cheaper than Fraction over
    thousands of layanan, or in Fraction should a sum ever need more digits.
    """
    checked = []
    for i, part in enumerate(parts):
        try:
            score, n = part
        except (TypeError, ValueError):
            raise ValueError(f"part {i}: expected (score, n_respondents), got {part!r}") from None
        s = as_real(score, f"part {i} score")
        if not 0.0 <= s <= 100.0:
            raise ValueError(f"part {i}: score {s} is outside 0-100")
        checked.append((repr(s), as_count(n, f"part {i} n_respondents")))
    total = sum(n for _s, n in checked)
    if total == 0:
        raise ValueError("rollup needs at least one respondent")
    try:
        exact = Decimal(0)
        for s, n in checked:
            exact = _EXACT_DECIMAL.add(exact, _EXACT_DECIMAL.multiply(Decimal(s), n))
        weighted = Fraction(exact)
    except (Inexact, Rounded):
        weighted = sum((Fraction(s) * n for s, n in checked), start=Fraction(0))
    return float(weighted / total)


MIN_SAMPLE_UNKNOWN_N = 30  # without a known population, fewer than 30 respondents is too few
SAMPLE_NOTE = "sampel belum memadai"


def grades_in_interval(interval: tuple[float, float] | None) -> list[str]:
    """Every mutu (A-D) an interval reaches, best first; judged like the score, on 2 decimals."""
    if interval is None:
        return []
    low, high = (min(100.0, max(25.0, float(v))) for v in interval)
    worst, best = grade(low)[0], grade(high)[0]
    order = [mutu for _lowest, mutu, _kinerja in GRADES]
    return order[order.index(best):order.index(worst) + 1]


def grade_label(score, interval: tuple[float, float] | None) -> str:
    """"Mutu B", or "Mutu B (interval mencakup A)" when the interval crosses a grade boundary."""
    mutu = grade(score)[0]
    others = [g for g in grades_in_interval(interval) if g != mutu]
    if not others:
        return f"Mutu {mutu}"
    listed = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} dan {others[-1]}"
    return f"Mutu {mutu} (interval mencakup {listed})"


def sample_adequate(n, population=None) -> bool:
    """n reaches the Krejcie-Morgan target for a known N, or 30 when N is unknown."""
    n = as_count(n, "n")
    if population:
        return n >= krejcie_morgan(as_count(population, "population", minimum=1))
    return n >= MIN_SAMPLE_UNKNOWN_N
