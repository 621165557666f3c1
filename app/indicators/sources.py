"""Where each indicator source's counts come from: the SKM summary tables, pendamping
checks, KPM income samples, or values an admin entered by hand; and the target in force.

Each reader fills a Realisasi (app.indicators.realisasi) for one calendar year;
the statistics are the dashboard's and the monitoring pages' own, so an
indicator and the page it summarises agree.
"""
from __future__ import annotations

from sqlalchemy import select

from analysis.rounding import format_id
from app.core.periods import Period
from app.extensions import db
from app.indicators.realisasi import Part, Realisasi, combine_types, from_counts
from app.models import Indicator, IndicatorManualValue, IndicatorTarget, Layanan
from app.monitoring import income_panel
from app.reports import rollup, scope
from app.reports.populations import populations
from app.skm import summary as skm_stats


def target_in_force(indicator: Indicator, year: int, revision: str | None = None) -> IndicatorTarget | None:
    """The named revision, else the latest by effective date (the revised PK replaces the first)."""
    stmt = select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.year == year)
    if revision:
        stmt = stmt.where(IndicatorTarget.revision == revision)
    stmt = stmt.order_by(IndicatorTarget.effective_date.desc(), IndicatorTarget.id.desc())
    return db.session.scalars(stmt).first()


def skm(r: Realisasi, period: Period) -> None:
    """The respondent-weighted roll-up of the indicator's layanan, through the dashboard's own headline code.

    Score, n and interval come from rollup.headline_for, as on the dashboard,
    so the two agree whenever they cover the same layanan, period and flag
    setting; when the dashboard for the indicator's unit covers other layanan,
    the indicator says so (explain_dashboard).
    """
    ind = r.indicator
    ids = [s.id for s in ind.layanan]
    results = skm_stats.ikm_by_layanan(ids, period)
    r.method = "IKM SKM, rata-rata layanan tertimbang responden"
    # The report's own population lookup; N of the whole only when every layanan has one, as in the report.
    pops = populations(ids, period)
    population = sum(pops.values()) if ids and len(pops) == len(ids) else None
    lines = [rollup.LayananLine(s.id, s.slug, s.name, s.unit_id, "", results.get(s.id), pops.get(s.id))
             for s in ind.layanan]
    pooled = skm_stats.ikm_for(ids, period) if results else None
    headline = rollup.headline_for(lines, pooled, population)
    r.parts = [Part(s.name, results[s.id].score if s.id in results else None,
                    results[s.id].n_respondents if s.id in results else 0, population=pops.get(s.id),
                    ci=rollup.interval(results.get(s.id), pops.get(s.id)))
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
    unit_ids = scope.report_layanan_ids(ind.unit)
    own = {s.id for s in ind.layanan}
    everything = skm_stats.ikm_by_layanan(unit_ids, period)
    score, n = rollup.rollup_parts([(x.score, x.n_respondents) for x in everything.values()])
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
        excluded, n_excl = rollup.rollup_parts(
            [(x.score, x.n_respondents) for x in skm_stats.ikm_by_layanan(list(own), period, True).values()])
        tail = (f"; tanpa respons bertanda nilainya {format_id(excluded)} ({n_excl} responden), seperti dasbor dengan "
                "'Kecualikan respons bertanda'" if excluded is not None else "")
        r.explanations.append(f"Termasuk {flagged} respons bertanda kualitas data (dasbor juga menghitungnya "
                              f"secara bawaan){tail}.")


def pendamping(r: Realisasi, period: Period) -> None:
    from app.monitoring import stats as monitoring_stats

    ind = r.indicator
    outcomes = monitoring_stats.pendamping_outcomes(ind.unit_id, ind.pendamping_type, period=period)
    populations = monitoring_stats.pendamping_population_by_type(ind.unit_id, period=period)
    r.excluded = {"ditolak": sum(o.rejected for o in outcomes.values())}
    combine_types(r, {code: (o.optimal, o.sampled, populations.get(code)) for code, o in sorted(outcomes.items())})


def income(r: Realisasi, period: Period) -> None:
    from app.monitoring import stats as monitoring_stats

    ind = r.indicator
    outcome = monitoring_stats.income_outcomes(ind.unit_id, ind.income_program, ind.income_measure, period=period)
    r.method = "Sampel pendapatan KPM: meningkat / memenuhi syarat (≥ 3 bulan setelah layanan)"
    r.excluded = {"ditolak": outcome.rejected, "sampel tidak memenuhi syarat": outcome.ineligible_samples,
                  "KPM tanpa pengukuran yang memenuhi syarat": outcome.excluded_ineligible}
    row = manual_row(ind, r.year)
    from_counts(r, outcome.increased, outcome.eligible, row.population if row else None)
    r.income_panel = income_panel.build(ind.unit_id, ind.income_program, ind.income_measure, period)


def manual_row(indicator: Indicator, year: int) -> IndicatorManualValue | None:
    return db.session.scalar(select(IndicatorManualValue).where(
        IndicatorManualValue.indicator_id == indicator.id, IndicatorManualValue.year == year))


def manual(r: Realisasi) -> None:
    row = manual_row(r.indicator, r.year)
    r.method = "Nilai manual"
    if row is None:
        r.flags.append("Nilai manual untuk tahun ini belum diisi.")
        return
    r.note = row.note
    if row.n is not None and row.t:
        from_counts(r, row.n, row.t, row.population)
        if row.value is not None and abs(row.value - r.value) >= 0.005:
            r.flags.append(f"Nilai yang diisi ({row.value}) berbeda dari n/t ({r.value:.2f}); yang dipakai n/t.")
    else:
        r.value, r.population = row.value, row.population
