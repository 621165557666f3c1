"""Kritik dan saran triage: themes from an admin-managed catalogue, a status, a hide-from-public switch,
links to RTL actions, and the theme counts the dashboard and the public page show.

The respondents' text is never edited: it stays in skm_response, and triage
lives beside it in kritik_triage. Services take plain values and the acting
user and check scope themselves; the route owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, literal, not_, null, select, union_all

from app.core import audit
from app.core.periods import Period, parse_period
from app.core.reference import add_missing
from app.core.scoping import unit_subtree_ids
from app.extensions import db
from app.followup.rtl import FollowupError, NotPermitted, in_scope
from app.models import KritikTheme, KritikTriage, Layanan, RtlAction, SkmResponse, User
from app.models.followup import DEFAULT_THEMES, TRIAGE_STATUSES, kritik_triage_theme, rtl_action_kritik
from app.skm import summary as skm_stats

SEARCH_MAX = 100


def ensure_default_themes() -> int:
    return add_missing(KritikTheme,
                       ({"code": code, "name": name, "unsur": unsur} for code, name, unsur in DEFAULT_THEMES))


# ---- theme catalogue (admin) --------------------------------------------------------------------

def themes(active_only: bool = True) -> list[KritikTheme]:
    stmt = select(KritikTheme).order_by(KritikTheme.sort_order, KritikTheme.id)
    if active_only:
        stmt = stmt.where(KritikTheme.active)
    return list(db.session.scalars(stmt))


def find_theme(theme_id: int) -> KritikTheme | None:
    return db.session.get(KritikTheme, theme_id)


def add_theme(actor: User, code: str, name: str) -> KritikTheme:
    if actor.role != "admin":
        raise NotPermitted()
    code, name = code.strip().lower(), name.strip()
    if not code or not name:
        raise FollowupError("Kode dan nama tema wajib diisi.")
    if db.session.scalar(select(KritikTheme.id).where(func.lower(KritikTheme.code) == code)) is not None:
        raise FollowupError("Kode tema sudah dipakai.")
    order = (db.session.scalar(select(func.max(KritikTheme.sort_order))) or 0) + 1
    theme = KritikTheme(code=code, name=name, active=True, sort_order=order)
    db.session.add(theme)
    db.session.flush()
    audit.record("kritik_theme.create", theme, actor=actor)
    return theme


def set_theme_active(actor: User, theme: KritikTheme, active: bool) -> None:
    """Retire (or bring back) a theme; tags already given stay, so past counts do not change."""
    if actor.role != "admin":
        raise NotPermitted()
    before = audit.snapshot(theme)
    theme.active = active
    db.session.flush()
    audit.record("kritik_theme.update", theme, before=before, actor=actor)


# ---- listing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    search: str = ""
    status: str | None = None
    theme_id: int | None = None


def items_stmt(layanan_ids: list[int], period: Period, filters: Filters = Filters()):
    """Non-empty kritik dan saran of these layanan and period, newest first, with their triage (outer join)."""
    stmt = (
        select(SkmResponse, KritikTriage, Layanan.name)
        .join(Layanan, Layanan.id == SkmResponse.layanan_id)
        .outerjoin(KritikTriage, KritikTriage.response_id == SkmResponse.id)
        .where(SkmResponse.layanan_id.in_(layanan_ids), SkmResponse.period.between(period.start, period.end),
               SkmResponse.kritik_saran.is_not(None), func.length(SkmResponse.kritik_saran) > 0)
    )
    if filters.search:
        stmt = stmt.where(func.lower(SkmResponse.kritik_saran).contains(filters.search.lower(), autoescape=True))
    if filters.status == "baru":
        stmt = stmt.where((KritikTriage.status == "baru") | KritikTriage.response_id.is_(None))
    elif filters.status:
        stmt = stmt.where(KritikTriage.status == filters.status)
    if filters.theme_id is not None:
        stmt = stmt.where(SkmResponse.id.in_(select(kritik_triage_theme.c.response_id)
                                             .where(kritik_triage_theme.c.theme_id == filters.theme_id)))
    return stmt.order_by(SkmResponse.submitted_at.desc(), SkmResponse.id.desc())


def linked_actions(response_ids: list[int]) -> dict[int, list[int]]:
    links: dict[int, list[int]] = {}
    if response_ids:
        for action_id, response_id in db.session.execute(
                select(rtl_action_kritik.c.action_id, rtl_action_kritik.c.response_id)
                .where(rtl_action_kritik.c.response_id.in_(response_ids))):
            links.setdefault(response_id, []).append(action_id)
    return links


def candidate_actions(actor: User, layanan: Layanan, month: str) -> list[RtlAction]:
    """Actions in the actor's scope that cover this layanan (itself, or its unit as a whole) and month."""
    subtree = set(db.session.scalars(unit_subtree_ids(actor.unit_id)))
    rows = db.session.scalars(select(RtlAction).where(
        RtlAction.unit_id.in_(subtree),
        (RtlAction.layanan_id == layanan.id) | RtlAction.layanan_id.is_(None)).order_by(RtlAction.id)).all()
    return [a for a in rows
            if parse_period(a.period).contains(month)
            and (a.layanan_id is not None or layanan.unit_id in set(db.session.scalars(unit_subtree_ids(a.unit_id))))]


# ---- triage ---------------------------------------------------------------------------------------

def _snapshot(row: KritikTriage, action_ids: list[int]) -> dict:
    snap = audit.snapshot(row)
    snap["theme_ids"] = sorted(t.id for t in row.themes)
    snap["action_ids"] = sorted(action_ids)
    return snap


def triage(actor: User, response_id: int, status: str, hidden_public: bool, theme_ids: list[int],
           action_ids: list[int]) -> KritikTriage:
    """Set an answer's status, themes, hide switch and RTL links (the text is left as it is)."""
    response = db.session.get(SkmResponse, response_id)
    if response is None or not in_scope(actor, response.layanan.unit_id):
        raise NotPermitted()
    if status not in TRIAGE_STATUSES:
        raise FollowupError("Status tidak dikenal.")
    chosen = list(db.session.scalars(select(KritikTheme).where(KritikTheme.id.in_(theme_ids))))
    if len(chosen) != len(set(theme_ids)):
        raise FollowupError("Tema tidak dikenal.")
    allowed = {a.id for a in candidate_actions(actor, response.layanan, response.period)}
    if not set(action_ids) <= allowed:
        raise FollowupError("Tindak lanjut yang dipilih tidak mencakup layanan dan periode ini.")
    row = db.session.get(KritikTriage, response_id)
    current_links = linked_actions([response_id]).get(response_id, [])
    before = _snapshot(row, current_links) if row else None
    if row is None:
        row = KritikTriage(response_id=response_id)
        db.session.add(row)
    row.status = status
    row.hidden_public = hidden_public
    # a retired theme already on the item stays; only active ones can be added
    row.themes = [t for t in chosen if t.active or t in (row.themes or [])]
    # links to actions outside the actor's scope (an ancestor unit's action) are left untouched
    db.session.execute(delete(rtl_action_kritik).where(rtl_action_kritik.c.response_id == response_id,
                                                       rtl_action_kritik.c.action_id.in_(allowed)))
    if action_ids:
        db.session.execute(insert(rtl_action_kritik), [{"action_id": a, "response_id": response_id}
                                                       for a in sorted(set(action_ids))])
    db.session.flush()
    new_links = linked_actions([response_id]).get(response_id, [])
    audit.record("kritik.triage", row, before=before, after=_snapshot(row, new_links), actor=actor)
    return row


# ---- counts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ThemeCounts:
    total: int  # answers with text
    untagged: int
    by_theme: list[tuple[str, int]]  # (theme name, answers tagged), most frequent first


def _answers_where(layanan_ids: list[int], period: Period, exclude_flagged: bool) -> list:
    where = [SkmResponse.layanan_id.in_(layanan_ids), SkmResponse.period.between(period.start, period.end),
             SkmResponse.kritik_saran.is_not(None), func.length(SkmResponse.kritik_saran) > 0]
    if exclude_flagged:
        where.append(not_(skm_stats.any_flag()))
    return where


def theme_counts(layanan_ids: list[int], period: Period, public: bool = False,
                 exclude_flagged: bool = False) -> ThemeCounts:
    """How many answers carry each theme; `public` leaves out the answers hidden from the public,
    `exclude_flagged` the flagged responses (as a report that excludes them)."""
    if not layanan_ids:
        return ThemeCounts(0, 0, [])
    base = _answers_where(layanan_ids, period, exclude_flagged)
    if public:
        hidden = select(KritikTriage.response_id).where(KritikTriage.hidden_public)
        base.append(SkmResponse.id.not_in(hidden))
    answers = select(SkmResponse.id).where(*base)
    total = db.session.scalar(select(func.count()).select_from(answers.subquery()))
    rows = db.session.execute(
        select(KritikTheme.name, func.count(kritik_triage_theme.c.response_id))
        .join(kritik_triage_theme, kritik_triage_theme.c.theme_id == KritikTheme.id)
        .where(kritik_triage_theme.c.response_id.in_(answers))
        .group_by(KritikTheme.id, KritikTheme.name, KritikTheme.sort_order)
        .order_by(func.count(kritik_triage_theme.c.response_id).desc(), KritikTheme.sort_order)).all()
    tagged = db.session.scalar(select(func.count(func.distinct(kritik_triage_theme.c.response_id)))
                               .where(kritik_triage_theme.c.response_id.in_(answers)))
    return ThemeCounts(total or 0, (total or 0) - (tagged or 0), [(name, n) for name, n in rows])


def report_theme_counts(layanan_ids: list[int], period: Period,
                        exclude_flagged: bool = False) -> tuple[ThemeCounts, dict[str, str | None]]:
    """theme_counts for a report, with each theme's unsur, in one round trip (the PDF counts its queries)."""
    if not layanan_ids:
        return ThemeCounts(0, 0, []), {}
    answers = select(SkmResponse.id).where(*_answers_where(layanan_ids, period, exclude_flagged))
    link = kritik_triage_theme.c
    by_theme = (select(literal("theme").label("kind"), KritikTheme.name, KritikTheme.unsur,
                       KritikTheme.sort_order, func.count(link.response_id).label("n"))
                .join(kritik_triage_theme, link.theme_id == KritikTheme.id)
                .where(link.response_id.in_(answers))
                .group_by(KritikTheme.id, KritikTheme.name, KritikTheme.unsur, KritikTheme.sort_order))
    tagged = select(literal("tagged"), null(), null(), null(), func.count(func.distinct(link.response_id))) \
        .where(link.response_id.in_(answers))
    total = select(literal("total"), null(), null(), null(), func.count()).select_from(answers.subquery())
    rows = db.session.execute(union_all(by_theme, tagged, total)).all()
    found = {kind: n for kind, _name, _unsur, _order, n in rows if kind != "theme"}
    themes = sorted((r for r in rows if r[0] == "theme"), key=lambda r: (-r[4], r[3]))
    all_answers = found.get("total") or 0
    return (ThemeCounts(all_answers, all_answers - (found.get("tagged") or 0), [(r[1], r[4]) for r in themes]),
            {r[1]: r[2] for r in themes})
