"""Realisasi of an indicator for a year: counts from SQL, statistics from `analysis`.

Each realisasi carries what an analyst needs to defend it: n, t, N and t/N,
p-hat with its interval (Wilson with the finite-population correction unless
the indicator says otherwise), the target revision in force and capaian, and
flags: target inside the interval, sample below Krejcie-Morgan, p-hat at 0 or
1, and records excluded as rejected or ineligible. Pendamping indicators over
several types show each type, the ministry's unweighted mean and the pooled
value, labelled.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.indicators import aggregate, capaian
from analysis.proportion import estimate_proportion
from analysis.sample_size import krejcie_morgan
from app.extensions import db
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, ServicePopulation
from app.services import ikm_inference, ikm_report, skm_stats
from app.services.periods import Period

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
    method: str = ""
    target: IndicatorTarget | None = None
    capaian: float | None = None
    flags: list[str] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    alternatives: dict[str, float] = field(default_factory=dict)
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


def proportion(successes: int, sampled: int, population: int | None, indicator: Indicator):
    """estimate_proportion with the indicator's method; FPC only when N is known, wanted and consistent."""
    use_population = population if indicator.use_fpc and population and population >= sampled else None
    return estimate_proportion(successes, sampled, population=use_population, level=LEVEL,
                               method=indicator.ci_method)


def _from_counts(r: Realisasi, n: int, t: int, population: int | None) -> None:
    r.n, r.t, r.population = n, t, population
    if t <= 0:
        r.flags.append("Tidak ada sampel yang sah pada tahun ini.")
        return
    est = proportion(n, t, population, r.indicator)
    r.value = est.p * 100
    r.ci = (est.low * 100, est.high * 100)
    fpc = " dengan koreksi populasi terbatas" if est.population else ""
    r.ci_label = f"{est.method.capitalize()}{fpc}, {LEVEL:.0%}"
    if n in (0, t):
        r.flags.append(f"p̂ = {r.value:.0f}%: proporsi di batas; interval {est.method} tetap sah, "
                       "tetapi nilai ini tidak berarti tanpa variasi di populasi.")


def _skm(r: Realisasi, period: Period) -> None:
    ids = [s.id for s in r.indicator.layanan]
    results = skm_stats.ikm_by_layanan(ids, period)
    score, n = ikm_report.rollup_parts([(x.score, x.n_respondents) for x in results.values()])
    r.method = "IKM SKM, rata-rata layanan tertimbang responden"
    if score is None:
        r.flags.append("Belum ada respons SKM pada tahun ini.")
        return
    r.value, r.n = score, n
    pops = {layanan_id: population for layanan_id, population in db.session.execute(
        select(ServicePopulation.layanan_id, ServicePopulation.population)
        .where(ServicePopulation.layanan_id.in_(ids), ServicePopulation.period == period.code))}
    r.population = sum(pops.values()) if ids and len(pops) == len(ids) else None
    pooled = skm_stats.ikm_for(ids, period)
    # The roll-up's own interval (layanan as strata), never the pooled one (issue 12).
    estimate = ikm_inference.ministry_estimate((result, pops.get(lid)) for lid, result in results.items())
    r.ci = estimate.interval() if estimate else None
    r.ci_label = "t, layanan sebagai strata, SE linearisasi" + (
        " dengan koreksi populasi terbatas" if pops else "")
    if pooled is not None and abs(pooled.score - score) > 1e-9:
        r.alternatives["Gabungan dari jumlah mentah (pooled)"] = pooled.score
    r.parts = [Part(s.name, results[s.id].score if s.id in results else None,
                    results[s.id].n_respondents if s.id in results else 0, population=pops.get(s.id))
               for s in r.indicator.layanan]


def _pendamping(r: Realisasi, period: Period) -> None:
    from app.services import monitoring_stats

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
        mean = aggregate([p.value for p in sampled_parts], method="mean")
        pooled = aggregate([(p.n, p.t) for p in sampled_parts], method="pooled")
        r.alternatives = {"Rata-rata per jenis, tak tertimbang (cara Kementerian)": mean,
                          "Gabungan (pooled) semua jenis": pooled}
        r.value = mean
        r.method = "Rata-rata tak tertimbang persentase per jenis (cara Kementerian); interval untuk nilai pooled"
        r.ci_label = "interval nilai pooled: " + r.ci_label


def _income(r: Realisasi, period: Period) -> None:
    from app.services import monitoring_stats

    ind = r.indicator
    outcome = monitoring_stats.income_outcomes(ind.unit_id, ind.income_program, ind.income_measure, period=period)
    r.method = "Sampel pendapatan KPM: meningkat / memenuhi syarat (≥ 3 bulan setelah layanan)"
    r.excluded = {"ditolak": outcome.rejected, "sampel tidak memenuhi syarat": outcome.ineligible_samples,
                  "KPM tanpa pengukuran yang memenuhi syarat": outcome.excluded_ineligible}
    manual = _manual(ind, r.year)
    _from_counts(r, outcome.increased, outcome.eligible, manual.population if manual else None)


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
    method = ind.aggregate_method or "mean"
    r.method = "Agregat sub-indikator: " + ("rata-rata tak tertimbang" if method == "mean" else "gabungan (pooled)")
    subs = [compute(child, r.year, depth=depth + 1) for child in ind.components if child.id != ind.id]
    r.parts = [Part(f"{s.indicator.code} {s.indicator.name}", s.value, s.n, s.t, s.population, s.ci) for s in subs]
    usable = [s for s in subs if s.value is not None]
    if not usable:
        r.flags.append("Belum ada sub-indikator yang bernilai.")
        return
    if len(usable) < len(subs):
        r.flags.append(f"{len(subs) - len(usable)} sub-indikator belum bernilai dan tidak ikut dihitung.")
    if method == "pooled":
        counted = [s for s in usable if s.t]
        if len(counted) < len(usable):
            r.flags.append("Sebagian sub-indikator tidak punya n/t; nilai pooled hanya dari yang punya.")
        if not counted:
            return
        _from_counts(r, sum(s.n for s in counted), sum(s.t for s in counted),
                     sum(s.population for s in counted) if all(s.population for s in counted) else None)
        r.alternatives["Rata-rata tak tertimbang"] = aggregate([s.value for s in usable], method="mean")
    else:
        r.value = aggregate([s.value for s in usable], method="mean")
        counted = [s for s in usable if s.t]
        if len(counted) == len(usable) and counted:
            r.alternatives["Gabungan (pooled)"] = aggregate([(s.n, s.t) for s in counted], method="pooled")


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
    if target is not None and r.value is not None and target.value != 0:
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
        "parts": [{"label": p.label, "value": p.value, "n": p.n, "t": p.t, "population": p.population,
                   "ci": None if p.ci is None else [p.ci[0], p.ci[1]]} for p in r.parts],
        "note": r.note,
    }
