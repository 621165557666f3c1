"""Figures that know their sample: each IKM figure's own interval, cautions and comparisons.

Issue 12: every interval shown must be the interval of the figure beside it.
A layanan's score carries its linearised variance (analysis.ikm, read from the
summary tables). A unit's headline is the ministry roll-up, the
respondent-weighted mean of its layanan scores; layanan are strata, so its
variance is sum_h w_h^2 Var_h (analysis.estimate), never a pooled one. When
every layanan's N is known the population-weighted stratified estimate is
shown beside it. Comparisons (period against period, layanan against layanan)
treat the two figures as independent samples with Welch degrees of freedom,
and a ranking's p-values are Holm-adjusted (analysis.comparison).
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.comparison import Difference, compare, compare_many, holm
from analysis.estimate import Estimate, population_weighted, respondent_weighted
from analysis.ikm import CODES, SAMPLE_NOTE, IkmResult, grade_label, sample_adequate

CI_LEVEL = 0.95


def line_estimate(result: IkmResult | None, population: int | None = None) -> Estimate | None:
    """A layanan's score with its linearised variance (fpc when N is known); None without one."""
    if result is None:
        return None
    try:
        return Estimate(result.score, result.variance(population or None), result.df)
    except ValueError:
        return None  # fewer than 2 respondents, or N smaller than the sample


def _parts(pairs) -> list[tuple[float, float, int]] | None:
    parts = []
    for result, population in pairs:
        estimate = line_estimate(result, population)
        if estimate is None:
            return None
        parts.append((estimate.value, estimate.variance, result.n_respondents))
    return parts or None


def ministry_estimate(pairs) -> Estimate | None:
    """Respondent-weighted roll-up of (IkmResult, N or None) per layanan with answers, with its variance."""
    pairs = [(r, p) for r, p in pairs if r is not None and r.n_respondents]
    parts = _parts(pairs)
    return respondent_weighted(parts) if parts else None


def ministry_from_estimates(estimates) -> Estimate | None:
    """ministry_estimate from (line_estimate, n) already computed per layanan (a report caches them per line).

    Layanan without respondents are left out; one layanan without an estimate leaves the roll-up without one.
    """
    parts = []
    for estimate, n in estimates:
        if not n:
            continue
        if estimate is None:
            return None
        parts.append((estimate.value, estimate.variance, n))
    return respondent_weighted(parts) if parts else None


def stratified_estimate(pairs) -> Estimate | None:
    """Population-weighted estimate when every layanan has answers and a known N; else None."""
    pairs = list(pairs)
    if not pairs or any(r is None or not p for r, p in pairs):
        return None
    parts = _parts(pairs)
    return population_weighted(parts, [p for _r, p in pairs]) if parts else None


def unsur_estimates(pairs) -> dict[str, Estimate]:
    """Per-unsur NRR weighted by respondents (as the headline's NRR), each with its variance."""
    out = {}
    pairs = [(r, p) for r, p in pairs if r is not None and r.n_respondents]
    variances = []
    for result, population in pairs:
        try:
            variances.append(result.nrr_variances(population or None))  # all 9 in one call
        except ValueError:
            variances.append(None)  # fewer than 2 respondents, or N below n: no unsur of it has a variance
    for code in CODES:
        parts = []
        for (result, _population), variance in zip(pairs, variances, strict=True):
            if code not in result.nrr:
                continue
            if variance is None:
                parts = None
                break
            parts.append((result.nrr[code], variance[code], result.n_respondents))
        if parts:
            out[code] = respondent_weighted(parts)
    return out


@dataclass
class Caution:
    """What a reader must know about a figure: its grade with the grades its interval reaches, its sample."""

    grade_label: str
    sample_adequate: bool

    @property
    def sample_note(self) -> str | None:
        return None if self.sample_adequate else SAMPLE_NOTE


def caution(score: float | None, ci: tuple[float, float] | None, n: int, population: int | None) -> Caution | None:
    if score is None:
        return None
    return Caution(grade_label(score, ci), sample_adequate(n, population or None))


@dataclass
class PeriodComparison:
    label: str                 # "dibanding periode sebelumnya" / "dibanding periode yang sama tahun lalu"
    period_code: str
    period_label: str
    current: Estimate
    other: Estimate
    difference: Difference
    unsur: dict[str, Difference]


def compare_periods(label: str, period, current: Estimate | None, current_unsur: dict[str, Estimate],
                    other: Estimate | None, other_unsur: dict[str, Estimate]) -> PeriodComparison | None:
    if current is None or other is None:
        return None
    unsur = {code: compare(current_unsur[code], other_unsur[code], CI_LEVEL)
             for code in CODES if code in current_unsur and code in other_unsur}
    return PeriodComparison(label, period.code, period.label, current, other,
                            compare(current, other, CI_LEVEL), unsur)


@dataclass
class RankedPair:
    higher: str
    lower: str
    difference: Difference
    p_holm: float

    @property
    def significant(self) -> bool:
        return self.p_holm < 1.0 - CI_LEVEL


# Up to this many layanan a ranking compares every pair (435 pairs at 30). Beyond it, the
# H(H-1)/2 pairs (12.5 million at 5,000 layanan) are neither computable within a report's
# time nor readable, and Holm over so many leaves almost nothing significant; the ranking
# then compares each layanan with the next one down, Holm-adjusted over those H-1 pairs.
ALL_PAIRS_LIMIT = 30
FAMILY_ALL = "all pairs"
FAMILY_ADJACENT = "adjacent pairs"


@dataclass
class Ranking:
    order: list[str]            # layanan slugs, highest score first
    pairs: list[RankedPair]     # the compared pairs, Holm-adjusted over all of them
    family: str = FAMILY_ALL    # which pairs were compared: FAMILY_ALL or FAMILY_ADJACENT

    def __post_init__(self) -> None:
        self._index = {frozenset((p.higher, p.lower)): p for p in self.pairs}

    def between(self, a: str, b: str) -> RankedPair | None:
        return self._index.get(frozenset((a, b)))

    @property
    def note(self) -> str:
        """What the p-values mean, for the reader (dashboard, PDF)."""
        if self.family == FAMILY_ADJACENT:
            return (f"Lebih dari {ALL_PAIRS_LIMIT} layanan: setiap layanan dibandingkan dengan layanan di bawahnya; "
                    "nilai p disesuaikan dengan koreksi Holm atas pasangan-pasangan itu.")
        return "Nilai p setiap pasangan disesuaikan dengan koreksi Holm."

    @property
    def adjacent(self) -> list[RankedPair]:
        return [self.between(a, b) for a, b in zip(self.order, self.order[1:], strict=False)]


def rank_layanan(estimates: dict[str, Estimate], all_pairs_limit: int = ALL_PAIRS_LIMIT) -> Ranking | None:
    """Rank layanan by score, Holm-adjusted (needs at least two).

    With up to `all_pairs_limit` layanan every pair is compared; with more, only
    each layanan against the next one down (see ALL_PAIRS_LIMIT).
    """
    if len(estimates) < 2:
        return None
    order = sorted(estimates, key=lambda slug: (-estimates[slug].value, slug))
    if len(order) <= all_pairs_limit:
        family = FAMILY_ALL
        names = [(a, b) for i, a in enumerate(order) for b in order[i + 1:]]
    else:
        family = FAMILY_ADJACENT
        names = list(zip(order, order[1:], strict=False))
    differences = compare_many([estimates[a] for a, _b in names], [estimates[b] for _a, b in names], CI_LEVEL)
    adjusted = holm([d.p_value for d in differences])
    return Ranking(order, [RankedPair(a, b, d, p)
                           for (a, b), d, p in zip(names, differences, adjusted, strict=True)], family)
