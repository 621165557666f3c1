"""Realisasi of an indicator for a year: counts from SQL, statistics from `analysis`.

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
the IKM roll-up gets the dashboard's own headline interval.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.indicators import Component, aggregate, capaian, combine_estimates
from analysis.proportion import estimate_proportion, weighted_proportion
from analysis.rounding import format_id
from analysis.sample_size import krejcie_morgan
from app.core.periods import Period
from app.extensions import db
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, Layanan
from app.monitoring import income_panel
from app.services import ikm_report, skm_stats

LEVEL = 0.95
MAX_DEPTH = 5


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


def target_in_force(indicator: Indicator, year: int, revision: str | None = None) -> IndicatorTarget | None:
    """The named revision, else the latest by effective date (the revised PK replaces the first)."""
    stmt = select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.year == year)
    if revision:
        stmt = stmt.where(IndicatorTarget.revision == revision)
    stmt = stmt.order_by(IndicatorTarget.effective_date.desc(), IndicatorTarget.id.desc())
    return db.session.scalars(stmt).first()


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


def _from_counts(r: Realisasi, n: int, t: int, population: int | None) -> None:
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


def _skm(r: Realisasi, period: Period) -> None:
    """The respondent-weighted roll-up of the indicator's layanan, through the dashboard's own headline code.

    Score, n and interval come from ikm_report.headline_for, as on the dashboard,
    so the two agree whenever they cover the same layanan, period and flag
    setting; when the dashboard for the indicator's unit covers other layanan,
    the indicator says so (explain_dashboard).
    """
    ind = r.indicator
    ids = [s.id for s in ind.layanan]
    results = skm_stats.ikm_by_layanan(ids, period)
    r.method = "IKM SKM, rata-rata layanan tertimbang responden"
    pops = ikm_report.populations(ids, period)
    population = sum(pops.values()) if ids and len(pops) == len(ids) else None
    lines = [ikm_report.LayananLine(s.id, s.slug, s.name, s.unit_id, "", results.get(s.id), pops.get(s.id))
             for s in ind.layanan]
    pooled = skm_stats.ikm_for(ids, period) if results else None
    headline = ikm_report.headline_for(lines, pooled, population)
    r.parts = [Part(s.name, results[s.id].score if s.id in results else None,
                    results[s.id].n_respondents if s.id in results else 0, population=pops.get(s.id),
                    ci=ikm_report.interval(results.get(s.id), pops.get(s.id)))
               for s in ind.layanan]
    if headline is None:
        r.flags.append("Belum ada respons SKM pada tahun ini.")
        return
    r.value, r.n, r.population, r.ci = headline.score, headline.n_respondents, population, headline.ci
    r.ci_label = "interval skor gabungan layanan, sama dengan dasbor IKM" + (
        " (dengan koreksi populasi terbatas)" if population else "")
    if pooled is not None and abs(pooled.score - headline.score) > 1e-9:
        r.alternatives["Gabungan dari jumlah mentah (pooled)"] = pooled.score
    explain_dashboard(r, period, results)


def explain_dashboard(r: Realisasi, period: Period, results: dict) -> None:
    """Say why the dashboard for the indicator's unit shows another IKM for the same year, if it does.

    The dashboard covers every layanan of the unit's subtree and, by default,
    counts responses with a data-quality flag; the indicator covers its own
    layanan list for the calendar year. Both read the summary tables.
    """
    ind = r.indicator
    unit_ids = ikm_report.report_layanan_ids(ind.unit)
    own = {s.id for s in ind.layanan}
    everything = skm_stats.ikm_by_layanan(unit_ids, period)
    score, n = ikm_report.rollup_parts([(x.score, x.n_respondents) for x in everything.values()])
    names = {i: name for i, name in db.session.execute(
        select(Layanan.id, Layanan.name).where(Layanan.id.in_(set(everything) | own)))}
    extra = [f"{names[i]} ({everything[i].n_respondents} responden)" for i in sorted(everything) if i not in own]
    outside = [names[i] for i in sorted(own) if i in results and i not in set(unit_ids)]
    r.explanations.append(f"Periode: tahun {period.code} (Januari–Desember), layanan: "
                          f"{', '.join(s.name for s in ind.layanan) or '—'}.")
    if score is not None and (extra or outside):
        why = []
        if extra:
            why.append("dasbor juga menghitung " + "; ".join(extra))
        if outside:
            why.append(f"indikator ini juga menghitung layanan di luar unit {ind.unit.code}: {', '.join(outside)}")
        r.explanations.append(f"Dasbor IKM unit {ind.unit.code} tahun {period.code} menampilkan {format_id(score)} "
                              f"({n} responden), berbeda dari indikator ini karena " + " dan ".join(why) + ".")
    flagged = skm_stats.flag_counts(list(own), period)["flagged"]
    if flagged:
        excluded, n_excl = ikm_report.rollup_parts(
            [(x.score, x.n_respondents) for x in skm_stats.ikm_by_layanan(list(own), period, True).values()])
        tail = (f"; tanpa respons bertanda nilainya {format_id(excluded)} ({n_excl} responden), seperti dasbor dengan "
                "'Kecualikan respons bertanda'" if excluded is not None else "")
        r.explanations.append(f"Termasuk {flagged} respons bertanda kualitas data (dasbor juga menghitungnya "
                              f"secara bawaan){tail}.")


def _pendamping(r: Realisasi, period: Period) -> None:
    from app.monitoring import stats as monitoring_stats

    ind = r.indicator
    outcomes = monitoring_stats.pendamping_outcomes(ind.unit_id, ind.pendamping_type, period=period)
    populations = monitoring_stats.pendamping_population_by_type(ind.unit_id, period=period)
    r.excluded = {"ditolak": sum(o.rejected for o in outcomes.values())}
    combine_types(r, {code: (o.optimal, o.sampled, populations.get(code)) for code, o in sorted(outcomes.items())})


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
    _from_counts(r, n, t, population)
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


def _income(r: Realisasi, period: Period) -> None:
    from app.monitoring import stats as monitoring_stats

    ind = r.indicator
    outcome = monitoring_stats.income_outcomes(ind.unit_id, ind.income_program, ind.income_measure, period=period)
    r.method = "Sampel pendapatan KPM: meningkat / memenuhi syarat (≥ 3 bulan setelah layanan)"
    r.excluded = {"ditolak": outcome.rejected, "sampel tidak memenuhi syarat": outcome.ineligible_samples,
                  "KPM tanpa pengukuran yang memenuhi syarat": outcome.excluded_ineligible}
    manual = _manual(ind, r.year)
    _from_counts(r, outcome.increased, outcome.eligible, manual.population if manual else None)
    r.income_panel = income_panel.build(ind.unit_id, ind.income_program, ind.income_measure, period)


def _manual(indicator: Indicator, year: int) -> IndicatorManualValue | None:
    return db.session.scalar(select(IndicatorManualValue).where(
        IndicatorManualValue.indicator_id == indicator.id, IndicatorManualValue.year == year))


def _manual_source(r: Realisasi) -> None:
    row = _manual(r.indicator, r.year)
    r.method = "Nilai manual"
    if row is None:
        r.flags.append("Nilai manual untuk tahun ini belum diisi.")
        return
    r.note = row.note
    if row.n is not None and row.t:
        _from_counts(r, row.n, row.t, row.population)
        if row.value is not None and abs(row.value - r.value) >= 0.005:
            r.flags.append(f"Nilai yang diisi ({row.value}) berbeda dari n/t ({r.value:.2f}); yang dipakai n/t.")
    else:
        r.value, r.population = row.value, row.population


def _aggregate(r: Realisasi, period: Period, depth: int) -> None:
    ind = r.indicator
    subs = [compute(child, r.year, depth=depth + 1) for child in ind.components if child.id != ind.id]
    combine_subs(r, subs, ind.aggregate_method or "mean")


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
        _from_counts(r, sum(s.n for s in counted), sum(s.t for s in counted),
                     sum(s.population for s in counted) if all(s.population for s in counted) else None)
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
        _from_counts(pooled, sum(s.n for s in counted), sum(s.t for s in counted),
                     sum(s.population for s in counted) if all(s.population for s in counted) else None)
        if pooled.ci is not None:
            r.alternative_ci[pooled_label] = pooled.ci


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


def compute(indicator: Indicator, year: int, revision: str | None = None, depth: int = 0) -> Realisasi:
    r = Realisasi(indicator=indicator, year=year)
    period = Period("year", year, 1)
    if depth > MAX_DEPTH:
        r.flags.append("Susunan sub-indikator terlalu dalam atau melingkar.")
        return r
    source = indicator.source
    if source == "skm":
        _skm(r, period)
    elif source == "pendamping":
        _pendamping(r, period)
    elif source == "income":
        _income(r, period)
    elif source == "aggregate":
        _aggregate(r, period, depth)
    else:
        _manual_source(r)
    finish(r, target_in_force(indicator, year, revision))
    return r


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


def realisasi_json(r: Realisasi) -> dict:
    return {
        "unit": r.indicator.unit.code, "code": r.indicator.code, "name": r.indicator.name,
        "kind": r.indicator.kind, "source": r.indicator.source, "year": r.year, "method": r.method,
        "value": r.value, "n": r.n, "t": r.t, "population": r.population, "sample_share": r.sample_share,
        "ci": None if r.ci is None else [r.ci[0], r.ci[1]], "ci_method": r.ci_label,
        "target": None if r.target is None else {"value": r.target.value, "revision": r.target.revision,
                                                 "effective_date": r.target.effective_date.isoformat()},
        "capaian": r.capaian, "flags": r.flags, "excluded": r.excluded, "alternatives": r.alternatives,
        "alternatives_ci": {label: [ci[0], ci[1]] for label, ci in r.alternative_ci.items()},
        "explanations": r.explanations, "income_panel": income_panel.panel_json(r.income_panel),
        "parts": [{"label": p.label, "value": p.value, "n": p.n, "t": p.t, "population": p.population,
                   "ci": None if p.ci is None else [p.ci[0], p.ci[1]]} for p in r.parts],
        "note": r.note,
    }
