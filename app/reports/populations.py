"""Service populations (N per layanan and period): the one lookup every figure uses, and the admin's edits.

An admin enters how many people a layanan served in a period; intervals get
the finite-population correction and samples are judged against Krejcie-Morgan
only with that N. The IKM report, the public page, the follow-up effect and the
indicators all read it through `populations`, so a period means the same
everywhere: exactly that period's code, no carrying over from another period.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.core import audit, report_db
from app.core.periods import Period
from app.core.scoping import scoped
from app.extensions import db
from app.models import Layanan, ServicePopulation, Unit
from app.skm.summary import layanan_in


def populations(layanan_ids: list[int], period: Period) -> dict[int, int]:
    """Service users entered by an admin for exactly this period (empty when none)."""
    return populations_by_period(layanan_ids, [period])[period]


def populations_by_period(layanan_ids: Iterable[int], periods: Iterable[Period]) -> dict[Period, dict[int, int]]:
    """`populations` for several periods in one query (a report and the periods it is compared with)."""
    ids, periods = list(layanan_ids), list(dict.fromkeys(periods))
    found: dict[Period, dict[int, int]] = {p: {} for p in periods}
    if not ids or not periods:
        return found
    by_code = {p.code: p for p in periods}
    rows = report_db.execute(
        select(ServicePopulation.layanan_id, ServicePopulation.period, ServicePopulation.population)
        .where(layanan_in(ServicePopulation.layanan_id, ids), ServicePopulation.period.in_(list(by_code))))
    for layanan_id, code, population in rows:
        found[by_code[code]][layanan_id] = population
    return found


def layanan_choices(user) -> list[tuple[int, str]]:
    """The layanan an admin may enter a population for: their unit subtree's, by unit code and name."""
    return [(s.id, f"{s.unit.code} — {s.name}")
            for s in db.session.scalars(scoped(Layanan, user).join(Layanan.unit).order_by(Unit.code, Layanan.name))]


def entered(user) -> list[ServicePopulation]:
    """Every population row in the user's scope, latest period first."""
    return list(db.session.scalars(scoped(ServicePopulation, user).order_by(ServicePopulation.period.desc())))


def save_population(layanan: Layanan, period: Period, population: int, note: str | None, *,
                    actor) -> ServicePopulation:
    """Create or update the one row of (layanan, period), audited as 'create' or 'update' by `actor`.

    The caller has checked `layanan` against the actor's scope and commits.
    """
    row = db.session.scalar(select(ServicePopulation).where(
        ServicePopulation.layanan_id == layanan.id, ServicePopulation.period == period.code))
    before = audit.snapshot(row) if row else None
    row = row or ServicePopulation(layanan_id=layanan.id, period=period.code)
    row.population = population
    row.note = note or None
    db.session.add(row)
    db.session.flush()
    audit.record("update" if before else "create", row, before=before, actor=actor)
    return row
