"""Realisasi of an indicator for a year, from its source, with target and capaian.

compute() dispatches on the indicator's source (app.indicators.sources reads
the counts; app.indicators.realisasi turns them into figures and intervals),
recurses into sub-indicators for an aggregate, and ends with the target in
force and the flags that compare the estimate with it.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core.periods import Period
from app.core.scoping import scoped, unit_subtree_ids
from app.extensions import db
from app.indicators import sources
from app.indicators.realisasi import Realisasi, combine_subs, finish
from app.models import Indicator, Unit, User
from app.monitoring import income_panel

MAX_DEPTH = 5


def compute(indicator: Indicator, year: int, revision: str | None = None, depth: int = 0) -> Realisasi:
    r = Realisasi(indicator=indicator, year=year)
    period = Period("year", year, 1)
    if depth > MAX_DEPTH:
        r.flags.append("Susunan sub-indikator terlalu dalam atau melingkar.")
        return r
    source = indicator.source
    if source == "skm":
        sources.skm(r, period)
    elif source == "pendamping":
        sources.pendamping(r, period)
    elif source == "income":
        sources.income(r, period)
    elif source == "aggregate":
        _aggregate(r, depth)
    else:
        sources.manual(r)
    finish(r, sources.target_in_force(indicator, year, revision))
    return r


def _aggregate(r: Realisasi, depth: int) -> None:
    """Realisasi of each sub-indicator (one level deeper), combined by the indicator's method."""
    ind = r.indicator
    subs = [compute(child, r.year, depth=depth + 1) for child in ind.components if child.id != ind.id]
    combine_subs(r, subs, ind.aggregate_method or "mean")


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


def unit_report(unit_code: str, year: int) -> dict:
    """`report indicators`: every active indicator of a unit subtree with its realisasi, as JSON.

    The command line has no user, so it sees every unit; LookupError when the code names none.
    """
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        raise LookupError(f"unit '{unit_code}' tidak ditemukan")
    indicators = db.session.scalars(select(Indicator).join(Indicator.unit).where(
        Indicator.unit_id.in_(unit_subtree_ids(unit.id)), Indicator.active.is_(True)).order_by(Unit.code,
                                                                                              Indicator.code))
    return {"unit": unit.code, "year": year, "indicators": [realisasi_json(compute(i, year)) for i in indicators]}


def visible_realisasi(user: User, year: int) -> list[Realisasi]:
    """The list page: every active indicator in the user's scope, by unit and code."""
    indicators = db.session.scalars(scoped(Indicator, user).join(Indicator.unit).where(Indicator.active.is_(True))
                                    .order_by(Unit.code, Indicator.code)).all()
    return [compute(indicator, year) for indicator in indicators]
