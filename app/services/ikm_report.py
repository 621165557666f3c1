"""Everything an IKM report shows, gathered with a handful of GROUP BY queries.

The core IKM aggregation lives in app.skm.summary; this module adds the
report-only aggregates (respondent profile, kritik dan saran, trend) and rolls
layanan up the unit tree weighted by respondents, as the ministry does
(seed 002 Table 3.29). The pooled value computed from the raw sums is kept
beside the roll-up and labelled, because the two differ when layanan left some
unsur unanswered; it carries no interval. Every interval, caution and
comparison comes from app.services.ikm_inference (issue 12).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from sqlalchemy import func, select

from analysis.estimate import Estimate
from analysis.ikm import UNSUR, IkmResult, grade, rollup
from analysis.indicators import aggregate
from analysis.rounding import round_half_up
from analysis.sample_size import krejcie_morgan
from app.core import report_db
from app.core.periods import KIND_MONTHS, Period
from app.core.scoping import region_subtree_ids, unit_subtree_ids
from app.extensions import db
from app.models import Layanan, Region, RespondentCategory, SkmProfileCount, SkmResponse, SkmSummary, Unit
from app.models.skm import JENIS_KELAMIN, PEKERJAAN, PENDIDIKAN_LABELS
from app.services import ikm_inference
from app.services.ikm_inference import Caution, PeriodComparison, Ranking
from app.skm import summary as skm_stats

UNSUR_NAMES = {u.code: u.name for u in UNSUR}
# The migration-0005 trigger assigns these bands into skm_profile_count; change both together.
AGE_BANDS = (("< 20", None, 19), ("20-29", 20, 29), ("30-39", 30, 39), ("40-49", 40, 49),
             ("50-59", 50, 59), ("≥ 60", 60, None))
UNKNOWN = "Tidak diisi"
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


# ---- scope ---------------------------------------------------------------------

def subtree_units(unit: Unit) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_subtree_ids(unit.id))).order_by(Unit.code)))


def layanan_in(unit_ids: Iterable[int], region: Region | None = None) -> list[Layanan]:
    stmt = select(Layanan).where(Layanan.unit_id.in_(list(unit_ids)))
    if region is not None:
        stmt = stmt.where(Layanan.region_id.in_(region_subtree_ids(region.id)))
    return list(db.session.scalars(stmt.order_by(Layanan.name)))


def in_region(layanan: Layanan, region: Region | None) -> bool:
    """True without a region filter, else whether the layanan's region lies in the region's subtree."""
    if region is None:
        return True
    return layanan.region_id is not None and layanan.region_id in set(
        db.session.scalars(region_subtree_ids(region.id)))


def report_layanan_ids(unit: Unit, layanan: Layanan | None = None, region: Region | None = None) -> list[int]:
    """Ids of the layanan a report covers: one layanan, or the unit subtree's, narrowed to a region."""
    if layanan is not None:
        return [layanan.id] if in_region(layanan, region) else []
    stmt = select(Layanan.id).where(Layanan.unit_id.in_(unit_subtree_ids(unit.id)))
    if region is not None:
        stmt = stmt.where(Layanan.region_id.in_(region_subtree_ids(region.id)))
    return list(db.session.scalars(stmt))


def populations(layanan_ids: list[int], period: Period) -> dict[int, int]:
    """Service users entered by an admin for exactly this period (empty when none)."""
    from app.models.indicator import ServicePopulation

    if not layanan_ids:
        return {}
    rows = report_db.execute(
        select(ServicePopulation.layanan_id, ServicePopulation.population)
        .where(ServicePopulation.layanan_id.in_(layanan_ids), ServicePopulation.period == period.code))
    return {layanan_id: population for layanan_id, population in rows}


# ---- roll-up ---------------------------------------------------------------------

def rollup_parts(parts: list[tuple[float, int]]) -> tuple[float | None, int]:
    """(respondent-weighted score, respondents) of (score, n) parts; parts with n = 0 are ignored."""
    parts = [(score, n) for score, n in parts if n > 0 and score is not None]
    if not parts:
        return None, 0
    return rollup(parts), sum(n for _score, n in parts)


def weighted_nrr(lines: list[LayananLine]) -> dict[str, float]:
    """Per-unsur NRR weighted by each layanan's respondents: consistent with the roll-up score."""
    result = {}
    for unsur in UNSUR:
        pairs = [(line.result.nrr[unsur.code], line.n) for line in lines
                 if line.result is not None and unsur.code in line.result.nrr and line.n]
        if pairs:
            result[unsur.code] = aggregate([v for v, _n in pairs], method="weighted",
                                           weights=[n for _v, n in pairs])
    return result


def _build_tree(root: Unit, units: list[Unit], lines: list[LayananLine]) -> UnitNode:
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
        node.estimate = ikm_inference.ministry_estimate(
            (line.result, line.population) for sub in node.walk() for line in sub.layanan)

    tree = nodes[root.id]
    finish(tree, 0)
    return tree


# ---- report-only aggregates ---------------------------------------------------------

def profile(layanan_ids: list[int], period: Period, exclude_flagged: bool) -> dict[str, list[tuple[str, int]]]:
    """Respondent counts by jenis kelamin, usia, pendidikan, pekerjaan and kategori.

    Read from skm_profile_count, which triggers keep per layanan, month and flag
    state ('' = not given), so this never scans the responses.
    """
    if not layanan_ids:
        return {}
    stmt = (
        select(SkmProfileCount.dimension, SkmProfileCount.value, func.sum(SkmProfileCount.n))
        .where(*skm_stats.summary_filter(SkmProfileCount, layanan_ids, period, exclude_flagged))
        .group_by(SkmProfileCount.dimension, SkmProfileCount.value)
    )
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for dimension, value, count in report_db.execute(stmt):
        totals[dimension][value or None] += int(count)
    categories = {str(cid): name for cid, name in db.session.execute(
        select(RespondentCategory.id, RespondentCategory.name).order_by(RespondentCategory.sort_order))}
    orders = {
        "jenis_kelamin": [(key, label) for key, label in JENIS_KELAMIN.items()],
        "usia": [(label, label) for label, _low, _high in AGE_BANDS],
        "pendidikan": list(PENDIDIKAN_LABELS.items()),
        "pekerjaan": [(v, v) for v in PEKERJAAN],
        "kategori": list(categories.items()),
    }
    result = {}
    for dimension, order in orders.items():
        counts = totals.get(dimension, {})
        rows = [(label, counts.get(key, 0)) for key, label in order]
        if counts.get(None):
            rows.append((UNKNOWN, counts[None]))
        result[dimension] = rows
    return result


PROFILE_LABELS = {
    "jenis_kelamin": "Jenis kelamin",
    "usia": "Usia",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
    "kategori": "Kategori responden",
}


def _kritik_months(layanan_ids: list[int], period: Period, exclude_flagged: bool, limit: int) -> str | None:
    """The earliest month needed to collect the `limit` latest kritik (from the summary counts).

    Sorting every kritik of a large unit's year to keep 200 costs seconds; the
    summary says how many each month holds, so only the latest months are read.
    """
    stmt = (
        select(SkmSummary.period, func.sum(SkmSummary.n_kritik))
        .where(*skm_stats.summary_filter(SkmSummary, layanan_ids, period, exclude_flagged))
        .group_by(SkmSummary.period)
        .order_by(SkmSummary.period.desc())
    )
    collected, earliest = 0, None
    for month, count in report_db.execute(stmt):
        collected, earliest = collected + int(count or 0), month
        if collected >= limit:
            break
    return earliest if collected else None


def kritik_saran(layanan_ids: list[int], period: Period, exclude_flagged: bool, limit: int = 200) -> list[dict]:
    """The latest non-empty kritik dan saran (raw text; every renderer escapes it)."""
    if not layanan_ids or limit <= 0:
        return []
    first_month = _kritik_months(layanan_ids, period, exclude_flagged, limit)
    if first_month is None:
        return []
    stmt = (
        select(SkmResponse.submitted_at, SkmResponse.period, Layanan.name, SkmResponse.kritik_saran)
        .join(Layanan, Layanan.id == SkmResponse.layanan_id)
        .where(*skm_stats.response_filter(layanan_ids, period, exclude_flagged),
               SkmResponse.period >= first_month,
               SkmResponse.kritik_saran.is_not(None), func.length(SkmResponse.kritik_saran) > 0)
        .order_by(SkmResponse.submitted_at.desc(), SkmResponse.id.desc())
        .limit(limit)
    )
    return [{"submitted_at": at, "period": month, "layanan": name, "text": text}
            for at, month, name, text in report_db.execute(stmt)]


def headline_for(lines: list[LayananLine], pooled: IkmResult | None, population: int | None) -> Headline | None:
    score, n = rollup_parts([(line.result.score, line.n) for line in lines if line.result is not None])
    if score is None:
        return None
    if len([line for line in lines if line.result is not None]) == 1 and pooled is not None:
        # One layanan: the roll-up is that layanan's own result.
        score = pooled.score
    pairs = [(line.result, line.population) for line in lines]
    estimate = ikm_inference.ministry_estimate(pairs)
    return Headline(score=score, n_respondents=n, nrr=weighted_nrr(lines),
                    ci=estimate.interval(CI_LEVEL) if estimate else None, pooled=pooled, estimate=estimate,
                    stratified=ikm_inference.stratified_estimate(pairs), population=population,
                    unsur=ikm_inference.unsur_estimates(pairs))


def compared_periods(period: Period) -> list[tuple[str, Period]]:
    """The periods a report compares itself with: the one before, and the same one a year earlier."""
    others = [("dibanding periode sebelumnya", period.shifted(-1))]
    per_year = 12 // KIND_MONTHS[period.kind]
    if per_year > 1:
        others.append(("dibanding periode yang sama tahun lalu", period.shifted(-per_year)))
    return others


def period_comparisons(layanan_ids: list[int], period: Period, exclude_flagged: bool,
                       headline: Headline | None,
                       fetched: dict[Period, dict[int, IkmResult]] | None = None) -> list[PeriodComparison]:
    """This period against the one before, and against the same period a year earlier.

    ``fetched`` holds per-layanan results (with variance) already read for some periods.
    """
    if headline is None or headline.estimate is None:
        return []
    out = []
    for label, other in compared_periods(period):
        if fetched is not None and other in fetched:
            results = fetched[other]
        else:
            results = skm_stats.ikm_by_layanan(layanan_ids, other, exclude_flagged)
        pops = populations(list(results), other)
        pairs = [(result, pops.get(lid)) for lid, result in results.items()]
        comparison = ikm_inference.compare_periods(
            label, other, headline.estimate, headline.unsur,
            ikm_inference.ministry_estimate(pairs), ikm_inference.unsur_estimates(pairs))
        if comparison is not None:
            out.append(comparison)
    return out


def trend(layanan_ids: list[int], period: Period, exclude_flagged: bool, previous: int = 4,
          current: dict[int, IkmResult] | None = None,
          fetched: dict[Period, dict[int, IkmResult]] | None = None) -> list[TrendPoint]:
    """Roll-up score for this period and the `previous` ones of the same kind, oldest first.

    `current` reuses the per-layanan results already computed for `period`;
    `fetched` those of other periods. The rest are read in one grouped query.
    """
    fetched = dict(fetched or {})
    if current is not None:
        fetched[period] = current
    wanted = [p for p in [*period.previous(previous), period] if p not in fetched]
    if wanted:
        fetched.update(skm_stats.ikm_by_layanan_periods(layanan_ids, wanted, exclude_flagged, with_variance=False))
    points = []
    for p in [*period.previous(previous), period]:
        results = fetched[p]
        score, n = rollup_parts([(r.score, r.n_respondents) for r in results.values()])
        points.append(TrendPoint(p, score, n))
    return points


# ---- the report ------------------------------------------------------------------------

def build_report(unit: Unit, period: Period, layanan: Layanan | None = None, exclude_flagged: bool = False,
                 trend_periods: int = 4, kritik_limit: int = 200, region: Region | None = None) -> IkmReport:
    """The IKM report for a unit (its whole subtree) or for one of its layanan.

    Callers pass objects already checked against the user's scope; with a
    layanan, the report's unit is the layanan's own unit. With a region, only
    layanan located in that region's subtree count (a layanan without a region
    is then left out).
    """
    if layanan is not None:
        unit = layanan.unit
    units = [unit] if layanan is not None else subtree_units(unit)
    unit_codes = {u.id: u.code for u in units}
    if layanan is not None:
        services = [layanan] if in_region(layanan, region) else []
    else:
        services = layanan_in(unit_codes, region)
    ids = [s.id for s in services]
    # This period and the ones it is compared with, in one grouped query (with variance).
    fetched = skm_stats.ikm_by_layanan_periods(ids, [period, *(p for _l, p in compared_periods(period))],
                                               exclude_flagged)
    results = fetched[period]
    pops = populations(ids, period)
    lines = [LayananLine(s.id, s.slug, s.name, s.unit_id, unit_codes.get(s.unit_id, ""), results.get(s.id),
                         pops.get(s.id)) for s in services]
    tree = _build_tree(unit, units, lines)
    total_population = sum(pops.values()) if pops and len(pops) == len(ids) else None
    tree.pooled = skm_stats.ikm_for(ids, period, exclude_flagged) if tree.n else None
    for child in tree.children:
        child_ids = [line.id for node in child.walk() for line in node.layanan]
        child.pooled = skm_stats.ikm_for(child_ids, period, exclude_flagged) if child.n else None
    headline = headline_for(lines, tree.pooled, total_population)
    ranking = None
    if layanan is None:
        ranking = ikm_inference.rank_layanan(
            {line.slug: line.estimate for line in lines if line.estimate is not None})
    return IkmReport(
        unit=unit,
        layanan=layanan,
        period=period,
        exclude_flagged=exclude_flagged,
        lines=lines,
        tree=tree,
        headline=headline,
        flags=skm_stats.flag_counts(ids, period),
        profile=profile(ids, period, exclude_flagged),
        kritik=kritik_saran(ids, period, exclude_flagged, kritik_limit),
        trend=trend(ids, period, exclude_flagged, trend_periods, fetched=fetched) if trend_periods else [],
        region=region,
        comparisons=period_comparisons(ids, period, exclude_flagged, headline, fetched),
        ranking=ranking,
    )


# ---- JSON ----------------------------------------------------------------------------

def _ci_json(ci):
    return None if ci is None else [ci[0], ci[1]]


def _caution_json(caution: Caution | None) -> dict:
    if caution is None:
        return {"grade_label": None, "sample_adequate": None, "sample_note": None}
    return {"grade_label": caution.grade_label, "sample_adequate": caution.sample_adequate,
            "sample_note": caution.sample_note}


def _estimate_json(estimate: Estimate | None) -> dict:
    if estimate is None:
        return {"se": None, "df": None}
    return {"se": estimate.se, "df": estimate.df}


def _difference_json(d) -> dict:
    return {"difference": d.difference, "se": d.se, "df": d.df if d.df != float("inf") else None,
            "ci": [d.low, d.high], "p_value": d.p_value, "significant": d.significant}


def comparisons_json(report: IkmReport) -> dict:
    periods = [{
        "label": c.label, "period": c.period_code, "period_label": c.period_label,
        "score": c.current.value, "other_score": c.other.value,
        **_difference_json(c.difference),
        "unsur": {code: _difference_json(d) for code, d in c.unsur.items()},
    } for c in report.comparisons]
    ranking = None
    if report.ranking is not None:
        ranking = {
            "order": report.ranking.order,
            "correction": "holm",
            "family": report.ranking.family,
            "pairs": [{"higher": p.higher, "lower": p.lower, **_difference_json(p.difference),
                       "p_holm": p.p_holm, "significant": p.significant} for p in report.ranking.pairs],
        }
    return {"basis": "independent samples, linearised SE, Welch-Satterthwaite df", "ci_level": CI_LEVEL,
            "periods": periods, "layanan_ranking": ranking}


def result_json(result: IkmResult | None, ci=None) -> dict | None:
    if result is None:
        return None
    return {
        "n_respondents": result.n_respondents,
        "score": result.score,
        "score_display": str(result.score_display),
        "grade": result.grade,
        "performance": result.performance,
        "nrr": dict(result.nrr),
        "ci": _ci_json(ci),
    }


def _node_json(node: UnitNode) -> dict:
    return {
        "code": node.code,
        "name": node.name,
        "n_respondents": node.n,
        "score": node.score,
        "score_display": None if node.score is None else str(node.score_display),
        "grade": None if node.score is None else node.grade[0],
        "ci": _ci_json(node.ci),
        "pooled": result_json(node.pooled),  # a different estimator: no interval of the roll-up beside it
        "layanan": [line.slug for line in node.layanan if line.result is not None],
        "children": [_node_json(child) for child in node.children],
    }


def _stratified_json(head: Headline) -> dict | None:
    if head.stratified is None:
        return None
    return {
        "method": "population-weighted stratified estimate (N_h / sum N), Cochran 1977 ch. 5",
        "score": head.stratified.value,
        "score_display": str(round_half_up(head.stratified.value, 2)),
        "grade": grade(head.stratified.value)[0],
        "ci": _ci_json(head.stratified_ci),
        **_estimate_json(head.stratified),
        **_caution_json(head.stratified_caution),
    }


def report_json(report: IkmReport) -> dict:
    head = report.headline
    return {
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "layanan_scope": report.layanan.slug if report.layanan else None,
        "region": None if report.region is None else {"code": report.region.code, "name": report.region.name,
                                                      "level": report.region.level},
        "region_label": report.region_label,
        "period": {"code": report.period.code, "label": report.period.label,
                   "start": report.period.start, "end": report.period.end},
        "exclude_flagged": report.exclude_flagged,
        "flags": report.flags,
        "ci_level": CI_LEVEL,
        "rollup": None if head is None else {
            "method": "respondent-weighted mean of layanan scores (Tabel 3.29)",
            "n_respondents": head.n_respondents,
            "score": head.score,
            "score_display": str(head.score_display),
            "grade": head.grade,
            "performance": head.performance,
            "nrr": head.nrr,
            "lowest_unsur": head.lowest_unsur,
            "ci": _ci_json(head.ci),
            "ci_basis": "layanan as strata: sum of (n_h / sum n)^2 x linearised Var_h",
            **_estimate_json(head.estimate),
            **_caution_json(head.caution),
            "population": report.population,
            "krejcie_morgan_target": report.km_target,
            "stratified": _stratified_json(head),
        },
        "pooled": result_json(head.pooled) if head else None,
        "layanan": [
            {"slug": line.slug, "name": line.name, "unit": line.unit_code, "population": line.population,
             "krejcie_morgan_target": line.km_target, **(result_json(line.result, line.ci) or {
                 "n_respondents": 0, "score": None, "score_display": None, "grade": None, "performance": None,
                 "nrr": {}, "ci": None}), **_estimate_json(line.estimate), **_caution_json(line.caution)}
            for line in report.lines
        ],
        "units": _node_json(report.tree),
        "comparisons": comparisons_json(report),
        "trend": [{"period": p.period.code, "score": p.score, "n_respondents": p.n} for p in report.trend],
        "profile": {dim: [{"label": label, "n": n} for label, n in rows] for dim, rows in report.profile.items()},
    }
