"""What an IKM report holds, and how layanan roll up the unit tree (no queries here).

Layanan roll up the unit tree weighted by respondents, as the ministry does
(seed 002 Table 3.29). The pooled value computed from the raw sums is kept
beside the roll-up and labelled, because the two differ when layanan left some
unsur unanswered; it carries no interval. Every interval, caution and
comparison comes from app.reports.ikm_inference (issue 12).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from analysis.estimate import Estimate
from analysis.ikm import UNSUR, IkmResult, grade, rollup
from analysis.indicators import aggregate
from analysis.rounding import round_half_up
from analysis.sample_size import krejcie_morgan
from app.core.periods import Period
from app.models import Layanan, Region, Unit
from app.reports import ikm_inference
from app.reports.ikm_inference import Caution, PeriodComparison, Ranking

UNSUR_NAMES = {u.code: u.name for u in UNSUR}
CI_LEVEL = 0.95


@dataclass
class LayananLine:
    id: int
    slug: str
    name: str
    unit_id: int
    unit_code: str
    result: IkmResult | None
    population: int | None = None

    @property
    def n(self) -> int:
        return self.result.n_respondents if self.result else 0

    # Computed once: every renderer reads them, and each is a t quantile (thousands of layanan).
    @cached_property
    def ci(self) -> tuple[float, float] | None:
        return interval(self.result, self.population)

    @property
    def km_target(self) -> int | None:
        return krejcie_morgan(self.population) if self.population else None

    @cached_property
    def estimate(self) -> Estimate | None:
        return ikm_inference.line_estimate(self.result, self.population)

    @cached_property
    def caution(self) -> Caution | None:
        return ikm_inference.caution(self.result.score if self.result else None, self.ci, self.n, self.population)


@dataclass
class UnitNode:
    id: int
    code: str
    name: str
    depth: int
    layanan: list[LayananLine] = field(default_factory=list)
    children: list[UnitNode] = field(default_factory=list)
    score: float | None = None  # respondent-weighted roll-up, unrounded
    n: int = 0
    pooled: IkmResult | None = None  # from raw sums; filled for the root and its children
    estimate: Estimate | None = None  # the roll-up with its stratified variance

    @property
    def ci(self) -> tuple[float, float] | None:
        return self.estimate.interval(CI_LEVEL) if self.estimate else None

    @property
    def score_display(self) -> Decimal | None:
        return None if self.score is None else round_half_up(self.score, 2)

    @property
    def grade(self) -> tuple[str, str] | None:
        return None if self.score is None else grade(self.score)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Headline:
    """The report's one number: the roll-up with its own interval, the pooled value beside it.

    ``ci`` belongs to ``score`` (the ministry roll-up, variance sum_h w_h^2 Var_h);
    ``stratified`` is the population-weighted estimate, present when every
    layanan's N is known.
    """

    score: float
    n_respondents: int
    nrr: dict[str, float]
    ci: tuple[float, float] | None
    pooled: IkmResult | None
    estimate: Estimate | None = None
    stratified: Estimate | None = None
    population: int | None = None
    unsur: dict[str, Estimate] = field(default_factory=dict)

    @property
    def caution(self) -> Caution:
        return ikm_inference.caution(self.score, self.ci, self.n_respondents, self.population)

    @property
    def stratified_ci(self) -> tuple[float, float] | None:
        return self.stratified.interval(CI_LEVEL) if self.stratified else None

    @property
    def stratified_caution(self) -> Caution | None:
        if self.stratified is None:
            return None
        return ikm_inference.caution(self.stratified.value, self.stratified_ci, self.n_respondents, self.population)

    @property
    def score_display(self) -> Decimal:
        return round_half_up(self.score, 2)

    @property
    def grade(self) -> str:
        return grade(self.score)[0]

    @property
    def performance(self) -> str:
        return grade(self.score)[1]

    @property
    def index(self) -> float:
        return self.score / 25

    @property
    def nrr_weighted(self) -> dict[str, float]:
        return {code: value / len(self.nrr) for code, value in self.nrr.items()}

    @property
    def lowest_unsur(self) -> str | None:
        return min(self.nrr, key=lambda code: (self.nrr[code], code)) if self.nrr else None

    @property
    def pooled_differs(self) -> bool:
        return self.pooled is not None and self.pooled.score_display != self.score_display


@dataclass
class TrendPoint:
    period: Period
    score: float | None
    n: int


@dataclass
class IkmReport:
    unit: Unit
    layanan: Layanan | None
    period: Period
    exclude_flagged: bool
    lines: list[LayananLine]
    tree: UnitNode
    headline: Headline | None
    flags: dict[str, int]
    profile: dict[str, list[tuple[str, int]]]
    kritik: list[dict]
    trend: list[TrendPoint]
    region: Region | None = None  # only layanan whose region lies in this region's subtree
    comparisons: list[PeriodComparison] = field(default_factory=list)
    ranking: Ranking | None = None
    kritik_total: int | None = None  # answers with text in the period (from the summary); `kritik` is the latest

    @property
    def region_label(self) -> str:
        return f"Wilayah: {self.region.name}" if self.region is not None else "Wilayah: semua wilayah"

    @property
    def scope_label(self) -> str:
        if self.layanan is not None:
            return f"{self.layanan.name} ({self.unit.code})"
        return f"{self.unit.code} — {self.unit.name}"

    @property
    def population(self) -> int | None:
        values = [line.population for line in self.lines if line.population]
        return sum(values) if values else None

    @property
    def population_complete(self) -> bool:
        return all(line.population for line in self.lines)

    @property
    def km_target(self) -> int | None:
        return krejcie_morgan(self.population) if self.population else None

    @property
    def n(self) -> int:
        return self.headline.n_respondents if self.headline else 0


def interval(result: IkmResult | None, population: int | None = None) -> tuple[float, float] | None:
    """95% interval, or None when fewer than two respondents answered."""
    if result is None:
        return None
    try:
        return result.confidence_interval(CI_LEVEL, population=population if population else None)
    except ValueError:
        # Fewer than 2 respondents, or a population smaller than the sample: no interval.
        return None


# ---- roll-up ---------------------------------------------------------------------

def rollup_parts(parts: list[tuple[float, int]]) -> tuple[float | None, int]:
    """(respondent-weighted score, respondents) of (score, n) parts; parts with n = 0 are ignored."""
    parts = [(score, n) for score, n in parts if n > 0 and score is not None]
    if not parts:
        return None, 0
    return rollup(parts), sum(n for _score, n in parts)


def weighted_nrr(lines: list[LayananLine]) -> dict[str, float]:
    """Per-unsur NRR weighted by each layanan's respondents: consistent with the roll-up score."""
    pairs: dict[str, list] = {unsur.code: [] for unsur in UNSUR}
    for line in lines:  # one pass over the lines (thousands), not one per unsur
        if line.result is not None and line.n:
            for code, value in line.result.nrr.items():
                pairs[code].append((value, line.n))
    return {code: aggregate([v for v, _n in found], method="weighted", weights=[n for _v, n in found])
            for code, found in pairs.items() if found}


def build_tree(root: Unit, units: list[Unit], lines: list[LayananLine]) -> UnitNode:
    nodes = {u.id: UnitNode(u.id, u.code, u.name, 0) for u in units}
    for line in lines:
        nodes[line.unit_id].layanan.append(line)
    for u in units:
        if u.id != root.id and u.parent_id in nodes:
            nodes[u.parent_id].children.append(nodes[u.id])

    def finish(node: UnitNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            finish(child, depth + 1)
        node.children = [c for c in node.children if c.n or c.layanan or c.children]
        parts = [(line.result.score, line.n) for line in node.layanan if line.result is not None]
        parts += [(child.score, child.n) for child in node.children]
        node.score, node.n = rollup_parts(parts)
        # Respondent weights nest, so the node's roll-up is that of every layanan below it.
        node.estimate = ikm_inference.ministry_from_estimates(
            (line.estimate, line.n) for sub in node.walk() for line in sub.layanan)

    tree = nodes[root.id]
    finish(tree, 0)
    return tree


def headline_for(lines: list[LayananLine], pooled: IkmResult | None, population: int | None) -> Headline | None:
    score, n = rollup_parts([(line.result.score, line.n) for line in lines if line.result is not None])
    if score is None:
        return None
    if len([line for line in lines if line.result is not None]) == 1 and pooled is not None:
        # One layanan: the roll-up is that layanan's own result.
        score = pooled.score
    pairs = [(line.result, line.population) for line in lines]
    estimate = ikm_inference.ministry_from_estimates((line.estimate, line.n) for line in lines)
    return Headline(score=score, n_respondents=n, nrr=weighted_nrr(lines),
                    ci=estimate.interval(CI_LEVEL) if estimate else None, pooled=pooled, estimate=estimate,
                    stratified=ikm_inference.stratified_estimate(pairs), population=population,
                    unsur=ikm_inference.unsur_estimates(pairs))
