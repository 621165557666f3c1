"""An indicator's realisasi and the statistics that fill it from counts.

Each realisasi carries what an analyst needs to defend it: n, t, N and t/N,
p-hat with its interval (Wilson with the finite-population correction unless
the indicator says otherwise), the target revision in force and capaian, and
flags: target inside the interval, sample below Krejcie-Morgan, p-hat at 0 or
1, and records excluded as rejected or ineligible. Pendamping indicators over
several types show each type, the ministry's unweighted mean and the pooled
value, labelled.

Every interval belongs to the figure beside it (issue 12): a proportion gets
its proportion interval; an (equal-weight or weighted) mean of independent
sample proportions gets the Wilson interval on the Kish effective sample size
(analysis.proportion.weighted_proportion); a mean of other estimates gets
sum w^2 Var with Welch-Satterthwaite df (analysis.indicators.combine_estimates);
the IKM roll-up gets the dashboard's own headline interval (app.indicators.sources).

Nothing here reads the database: the sources (app.indicators.sources) count,
this module turns counts and sub-realisasi into figures, so the arithmetic is
tested on plain numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.indicators import Component, aggregate, capaian, combine_estimates
from analysis.proportion import estimate_proportion, weighted_proportion
from analysis.sample_size import krejcie_morgan
from app.models import Indicator, IndicatorTarget
from app.monitoring import income_panel

LEVEL = 0.95


@dataclass
class Part:
    """One line under an indicator: a pendamping type, or a sub-indicator."""

    label: str
    value: float | None
    n: int | None = None
    t: int | None = None
    population: int | None = None
    ci: tuple[float, float] | None = None


@dataclass
class Realisasi:
    indicator: Indicator
    year: int
    value: float | None = None  # percent (0-100) or index score; unrounded
    n: int | None = None  # successes
    t: int | None = None  # sampled
    population: int | None = None
    ci: tuple[float, float] | None = None  # same scale as value
    ci_label: str = ""
    se: float | None = None  # same scale as value; for composites of this realisasi
    df: float | None = None
    # value = 100 x sum w x/n over independent samples (weight, x, n, N used for the FPC or None),
    # when the realisasi is such a linear combination; lets a parent combine them exactly.
    terms: list[tuple[float, int, int, int | None]] | None = None
    method: str = ""
    target: IndicatorTarget | None = None
    capaian: float | None = None
    flags: list[str] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    alternatives: dict[str, float] = field(default_factory=dict)
    alternative_ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    explanations: list[str] = field(default_factory=list)  # why this figure differs from another page's
    income_panel: income_panel.IncomePanel | None = None  # income indicators: change and poverty-line movement
    note: str | None = None

    @property
    def sample_share(self) -> float | None:
        if self.t is None or not self.population:
            return None
        return self.t / self.population * 100

    @property
    def km_target(self) -> int | None:
        return krejcie_morgan(self.population) if self.population else None


def fpc_population(sampled: int, population: int | None, indicator: Indicator) -> int | None:
    """N for the finite-population correction: only when known, wanted and consistent with the sample."""
    return population if indicator.use_fpc and population and population >= sampled else None


def proportion(successes: int, sampled: int, population: int | None, indicator: Indicator):
    """estimate_proportion with the indicator's method and fpc_population."""
    return estimate_proportion(successes, sampled, population=fpc_population(sampled, population, indicator),
                               level=LEVEL, method=indicator.ci_method)


WILSON_KISH = "Wilson pada ukuran sampel efektif (Kish){fpc}, {level}"
COMPOSITE = "t, Σ w² Var dengan derajat bebas Welch-Satterthwaite, {level}"


def _level() -> str:
    return f"{LEVEL:.0%}"


def mean_interval(value: float, terms: list[tuple[float, int, int, int | None]]
                  ) -> tuple[tuple[float, float], float, str]:
    """(interval %, SE %, label) of value = 100 x sum w x/n over independent samples.

    ``value`` is the figure shown (computed by analysis.indicators.aggregate); the
    interval is widened by float dust, never more, so that it always contains it.
    """
    wp = weighted_proportion([(x, n, pop) for _w, x, n, pop in terms], [w for w, *_rest in terms], LEVEL)
    if abs(wp.p * 100 - value) > 1e-9:
        raise ValueError(f"terms give {wp.p * 100}, not the value {value}")
    fpc = " dengan koreksi populasi terbatas" if any(pop for *_rest, pop in terms) else ""
    ci = (min(wp.low * 100, value), max(wp.high * 100, value))
    return ci, wp.se * 100, WILSON_KISH.format(fpc=fpc, level=_level())


def from_counts(r: Realisasi, n: int, t: int, population: int | None) -> None:
    r.n, r.t, r.population = n, t, population
    if t <= 0:
        r.flags.append("Tidak ada sampel yang sah pada tahun ini.")
        return
    est = proportion(n, t, population, r.indicator)
    r.value = est.p * 100
    r.ci = (est.low * 100, est.high * 100)
    r.se, r.df = est.se * 100, (t - 1 if t > 1 else None)
    r.terms = [(1.0, n, t, est.population)]
    fpc = " dengan koreksi populasi terbatas" if est.population else ""
    r.ci_label = f"{est.method.capitalize()}{fpc}, {LEVEL:.0%}"
    if n in (0, t):
        r.flags.append(f"p̂ = {r.value:.0f}%: proporsi di batas; interval {est.method} tetap sah, "
                       "tetapi nilai ini tidak berarti tanpa variasi di populasi.")


def combine_types(r: Realisasi, by_type: dict[str, tuple[int, int, int | None]]) -> None:
    """Per-type proportions, the ministry's unweighted mean of them, and the pooled value.

    One type: that type's proportion and interval. Several: the headline is the
    unweighted mean (the ministry's practice, seed 002 Table 3.24) and the
    pooled value is shown beside it with its interval.
    """
    r.method = "Monitoring pendamping"
    r.parts = []
    for code, (optimal, sampled, population) in by_type.items():
        part = Part(code, None, optimal, sampled, population)
        if sampled:
            est = proportion(optimal, sampled, population, r.indicator)
            part.value, part.ci = est.p * 100, (est.low * 100, est.high * 100)
        r.parts.append(part)
    sampled_parts = [p for p in r.parts if p.t]
    if not sampled_parts:
        r.flags.append("Belum ada monitoring pendamping yang sah pada tahun ini.")
        return
    n = sum(p.n for p in sampled_parts)
    t = sum(p.t for p in sampled_parts)
    pops = [p.population for p in sampled_parts]
    population = sum(pops) if all(pops) else None
    from_counts(r, n, t, population)
    if len(sampled_parts) > 1:
        pooled_label = "Gabungan (pooled) semua jenis"
        pooled_ci, pooled_ci_label = r.ci, r.ci_label
        weight = 1.0 / len(sampled_parts)
        r.terms = [(weight, p.n, p.t, fpc_population(p.t, p.population, r.indicator)) for p in sampled_parts]
        mean = aggregate([p.value for p in sampled_parts], method="mean")
        r.value = mean
        r.ci, r.se, r.ci_label = mean_interval(mean, r.terms)
        r.df = None
        r.alternatives = {"Rata-rata per jenis, tak tertimbang (cara Kementerian)": mean,
                          pooled_label: aggregate([(p.n, p.t) for p in sampled_parts], method="pooled")}
        r.alternative_ci = {pooled_label: pooled_ci}
        r.method = ("Rata-rata tak tertimbang persentase per jenis (cara Kementerian); n / t dan N di atas "
                    "adalah jumlah gabungan")
        r.ci_label = "interval rata-rata per jenis: " + r.ci_label
        r.explanations.append(f"Nilai gabungan (pooled) memakai intervalnya sendiri: {pooled_ci_label}.")


def combine_subs(r: Realisasi, subs: list[Realisasi], method: str) -> None:
    """The aggregate of sub-indicator realisasi, each with the interval of its own estimator.

    pooled: sum n / sum t with the indicator's proportion interval. mean: the
    unweighted mean; when every sub-indicator is a (combination of) sample
    proportion(s) the mean is one too, and gets the Wilson interval on the Kish
    effective n; otherwise sum w^2 Var of the sub-indicators' SEs. Sub-indicators
    are taken to come from independent samples.
    """
    r.method = "Agregat sub-indikator: " + ("rata-rata tak tertimbang" if method == "mean" else "gabungan (pooled)")
    r.parts = [Part(f"{s.indicator.code} {s.indicator.name}", s.value, s.n, s.t, s.population, s.ci) for s in subs]
    usable = [s for s in subs if s.value is not None]
    if not usable:
        r.flags.append("Belum ada sub-indikator yang bernilai.")
        return
    if len(usable) < len(subs):
        r.flags.append(f"{len(subs) - len(usable)} sub-indikator belum bernilai dan tidak ikut dihitung.")
    mean_label = "Rata-rata tak tertimbang"
    counted = [s for s in usable if s.t]
    if method == "pooled":
        if len(counted) < len(usable):
            r.flags.append("Sebagian sub-indikator tidak punya n/t; nilai pooled hanya dari yang punya.")
        if not counted:
            return
        _pool(r, counted)
        value, ci, _se, _label = _mean_of(usable)
        r.alternatives[mean_label] = value
        if ci is not None:
            r.alternative_ci[mean_label] = ci
        return
    r.value, r.ci, r.se, r.ci_label = _mean_of(usable)
    if r.ci is None:
        missing = ", ".join(s.indicator.code for s in usable if s.se is None and s.terms is None)
        r.flags.append(f"Interval agregat tidak tersedia: sub-indikator {missing} tidak punya galat baku.")
    if all(s.terms for s in usable):
        r.terms = [(w / len(usable), x, n, pop) for s in usable for w, x, n, pop in s.terms]
    if len(counted) == len(usable):
        pooled_label = "Gabungan (pooled)"
        r.alternatives[pooled_label] = aggregate([(s.n, s.t) for s in counted], method="pooled")
        pooled = Realisasi(indicator=r.indicator, year=r.year)
        _pool(pooled, counted)
        if pooled.ci is not None:
            r.alternative_ci[pooled_label] = pooled.ci


def _pool(r: Realisasi, counted: list[Realisasi]) -> None:
    """Fill `r` with sum n / sum t of the sub-indicators; N only when every one has it."""
    from_counts(r, sum(s.n for s in counted), sum(s.t for s in counted),
                sum(s.population for s in counted) if all(s.population for s in counted) else None)


def _mean_of(subs: list[Realisasi]) -> tuple[float, tuple[float, float] | None, float | None, str]:
    """(value, interval, SE, label) of the unweighted mean of sub-indicator values."""
    value = aggregate([s.value for s in subs], method="mean")
    if all(s.terms for s in subs):
        terms = [(w / len(subs), x, n, pop) for s in subs for w, x, n, pop in s.terms]
        ci, se, label = mean_interval(value, terms)
        return value, ci, se, label
    if all(s.se is not None for s in subs):
        bounds = (25.0, 100.0) if all(s.indicator.kind == "index" for s in subs) else (0.0, 100.0)
        est = combine_estimates([Component(s.value, s.se, s.df) for s in subs], level=LEVEL, bounds=bounds)
        return value, (est.low, est.high), est.se, COMPOSITE.format(level=_level())
    return value, None, None, ""


def finish(r: Realisasi, target: IndicatorTarget | None) -> None:
    """Target, capaian and the flags that compare the estimate with its target and sample size."""
    r.target = target
    if target is not None and target.value <= 0:
        r.flags.append(f"Target {target.value:g} tidak dapat dipakai: capaian hanya dihitung terhadap target yang "
                       "lebih besar dari nol.")
    elif target is not None and r.value is not None:
        r.capaian = capaian(r.value, target.value, r.indicator.polarity)
        if r.ci is not None and r.ci[0] <= target.value <= r.ci[1]:
            r.flags.append("Target berada di dalam interval: realisasi tidak berbeda nyata dari target.")
    elif target is None:
        r.flags.append(f"Target tahun {r.year} belum diisi.")
    if r.population and r.t is not None and r.t < krejcie_morgan(r.population):
        r.flags.append(f"Sampel {r.t} di bawah ukuran Krejcie-Morgan {krejcie_morgan(r.population)} untuk "
                       f"N = {r.population}.")
    if r.indicator.source == "skm" and r.population and r.n is not None and r.n < krejcie_morgan(r.population):
        r.flags.append(f"Responden {r.n} di bawah ukuran Krejcie-Morgan {krejcie_morgan(r.population)} untuk "
                       f"N = {r.population}.")
    for label, count in r.excluded.items():
        if count:
            r.flags.append(f"Dikecualikan ({label}): {count}.")
