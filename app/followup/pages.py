"""What each follow-up page shows, gathered by one call per page so the routes only parse and render.

The routes have already resolved the unit, layanan and period through
app.core.scoping; these functions take them (and the acting user, for the
pickers and the actions a user may link) as plain values and return the
template's context. Lists fetch one row more than they show, so the route
knows whether a next page exists without counting the whole scope.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select

from app.core.periods import Period
from app.core.scoping import scoped
from app.extensions import db
from app.followup import effect, publication, rtl, triage
from app.models import KritikTheme, Layanan, RtlAction, SkmResponse, Unit, User


@dataclass(frozen=True)
class Slice:
    """One page of a list, and whether another follows."""

    rows: list
    has_next: bool


def _slice(stmt: Select, number: int, per_page: int, *, rows: bool = False) -> Slice:
    stmt = stmt.limit(per_page + 1).offset((number - 1) * per_page)
    found = db.session.execute(stmt).all() if rows else db.session.scalars(stmt).all()
    return Slice(list(found[:per_page]), len(found) > per_page)


def _pickers(actor: User, unit: Unit, unit_ids: list[int]) -> dict:
    """The unit and layanan a user may switch to on the page's filter bar."""
    return {
        "units": db.session.scalars(scoped(Unit, actor).order_by(Unit.code)).all(),
        "layanan_list": db.session.scalars(scoped(Layanan, actor).where(Layanan.unit_id.in_(unit_ids))
                                           .order_by(Layanan.name)).all(),
    }


def rtl_page(actor: User, unit: Unit, layanan: Layanan | None, period: Period, number: int,
             per_page: int) -> tuple[dict, bool]:
    """The RTL overview: proposals, actions (one page), completion, theme counts, before/after effects."""
    layanan_id = layanan.id if layanan else None
    settings = rtl.settings_for(unit.id)
    layanan_ids = rtl.target_layanan_ids(unit.id, layanan_id)
    unit_ids = rtl.subtree_ids(unit.id)
    actions = _slice(rtl.actions_stmt(unit_ids, period.code, layanan_id), number, per_page)
    next_period, effects = effect.effects(layanan_ids, period,
                                          effect.acted_unsur(unit_ids, period.code, layanan_id))
    return {
        "settings": settings, "effects": effects, "next_period": next_period,
        "proposals": rtl.proposals(layanan_ids, period, settings.nrr_threshold),
        "actions": actions.rows, "completion": rtl.completion(unit_ids, period.code),
        "theme_counts": triage.theme_counts(layanan_ids, period),
        **_pickers(actor, unit, unit_ids),
    }, actions.has_next


@dataclass(frozen=True)
class DashboardPanel:
    """The follow-up the IKM dashboard shows: the RTL page's proposals and the triage theme counts."""

    unit_id: int
    layanan_id: int | None
    threshold: float
    proposals: list[rtl.Proposal]
    theme_counts: triage.ThemeCounts


def dashboard_panel(actor: User, unit: Unit, layanan: Layanan | None, period: Period) -> DashboardPanel | None:
    """What the dashboard proposes for this unit (or layanan) and period; None for a user who may not plan RTL.

    The same call as the RTL page (rtl.proposals over rtl.target_layanan_ids with the
    unit's threshold), so the dashboard and the page the link opens never disagree.
    """
    if not rtl.in_scope(actor, unit.id):
        return None
    layanan_id = layanan.id if layanan else None
    layanan_ids = rtl.target_layanan_ids(unit.id, layanan_id)
    threshold = rtl.settings_for(unit.id).nrr_threshold
    return DashboardPanel(unit.id, layanan_id, threshold, rtl.proposals(layanan_ids, period, threshold),
                          triage.theme_counts(layanan_ids, period))


def kritik_page(actor: User, unit: Unit, layanan: Layanan | None, period: Period, filters: triage.Filters,
                number: int, per_page: int) -> tuple[dict, bool]:
    """The triage list: answers with text (one page), each with the actions the user may link it to."""
    layanan_ids = rtl.target_layanan_ids(unit.id, layanan.id if layanan else None)
    found = _slice(triage.items_stmt(layanan_ids, period, filters), number, per_page, rows=True)
    items = [{"response": response, "triage": row, "layanan": layanan_name,
              "actions": triage.candidate_actions(actor, response.layanan, response.period)}
             for response, row, layanan_name in found.rows]
    return {
        "items": items, "links": triage.linked_actions([i["response"].id for i in items]),
        "themes": triage.themes(active_only=False), "counts": triage.theme_counts(layanan_ids, period),
        **_pickers(actor, unit, rtl.subtree_ids(unit.id)),
    }, found.has_next


def publications_page(unit: Unit, period: Period, number: int, per_page: int) -> tuple[dict, bool]:
    """The publication log of a unit and period (one page) and the media count PEKPPP scores."""
    records = _slice(publication.records_stmt(unit.id, period.code), number, per_page)
    return {
        "records": records.rows, "public_page": publication.public_page_medium(unit.id, period.code, unit.timezone),
        "has_public_page": publication.has_public_page(unit.id),
        "media_count": publication.media_count(unit.id, period.code),
    }, records.has_next


def action_kritik_choices(unit_id: int, layanan_id: int | None, period: Period,
                          action: RtlAction | None = None) -> list[tuple[int, str]]:
    """The kritik items an action may cite: its layanan and period's, plus any it already cites."""
    choices = rtl.kritik_choices(rtl.target_layanan_ids(unit_id, layanan_id), period)
    if action is not None:
        known = {rid for rid, _text in choices}
        choices += [(r.id, r.kritik_saran[:140]) for r in action.kritik if r.id not in known]
    return choices


def triage_options(actor: User, response: SkmResponse) -> tuple[list[KritikTheme], list[RtlAction]]:
    """Every theme (a retired one may already be on the answer) and the actions the user may link."""
    return (triage.themes(active_only=False),
            triage.candidate_actions(actor, response.layanan, response.period))
