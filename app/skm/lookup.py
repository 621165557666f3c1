"""Per-process cache of what every survey POST looks up: the active layanan by slug
(with its unit's time zone) and the active respondent categories.

Why: these rows change a few times a year but were read on every submission
(three SELECTs, two of them ORM loads, one more to reload the layanan after the
commit). Here they are plain frozen values, so nothing on the hot path is bound
to a session.

Invalidation (installed by `watch_edits`, from skm's init_app), in two layers:
- in this process, any flush or bulk UPDATE/DELETE that touches a Layanan, Unit
  or RespondentCategory clears the cache at once (an admin edit is seen by the
  next request served by the same process);
- other processes (gunicorn workers, other hosts) drop their entries after
  SURVEY_LOOKUP_TTL seconds (default 30): an edit made elsewhere, such as a
  layanan switched off, is honoured everywhere within that time.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Layanan, RespondentCategory, Unit

DEFAULT_TTL = 30.0
_WATCHED = (Layanan, Unit, RespondentCategory)


@dataclass(frozen=True)
class LayananRef:
    """What the submit path needs of an active layanan, detached from any session."""
    id: int
    slug: str
    name: str
    timezone: str  # the unit's IANA zone
    unit_id: int | None = None  # for webhook events (app.webhooks.events)


_lock = threading.Lock()
_generation = 0
_layanan: dict[str, tuple[float, int, LayananRef | None]] = {}
_categories: tuple[float, int, tuple[tuple[int, str], ...]] | None = None


def _ttl() -> float:
    return float(current_app.config.get("SURVEY_LOOKUP_TTL", DEFAULT_TTL))


def clear() -> None:
    """Forget everything (also bumps the generation so a lookup racing an edit is not stored)."""
    global _generation, _categories
    with _lock:
        _generation += 1
        _layanan.clear()
        _categories = None


def active_layanan(slug: str) -> LayananRef | None:
    """The active layanan of an active unit with this slug, or None."""
    now = time.monotonic()
    hit = _layanan.get(slug)
    if hit is not None and hit[0] > now and hit[1] == _generation:
        return hit[2]
    generation = _generation
    row = db.session.execute(
        select(Layanan.id, Layanan.slug, Layanan.name, Unit.timezone, Layanan.unit_id)
        .join(Layanan.unit).where(Layanan.slug == slug, Layanan.active, Unit.active)
    ).first()
    ref = LayananRef(row.id, row.slug, row.name, row.timezone, row.unit_id) if row is not None else None
    with _lock:
        if generation == _generation:
            if len(_layanan) > 5000:  # slugs from the URL: bound what junk lookups can store
                _layanan.clear()
            _layanan[slug] = (now + _ttl(), generation, ref)
    return ref


def category_choices() -> list[tuple[int, str]]:
    """Active respondent categories as (id, name), in display order."""
    global _categories
    now = time.monotonic()
    hit = _categories
    if hit is not None and hit[0] > now and hit[1] == _generation:
        return list(hit[2])
    generation = _generation
    rows = tuple((row.id, row.name) for row in db.session.execute(
        select(RespondentCategory.id, RespondentCategory.name)
        .where(RespondentCategory.active)
        .order_by(RespondentCategory.sort_order, RespondentCategory.name)
    ))
    with _lock:
        if generation == _generation:
            _categories = (now + _ttl(), generation, rows)
    return list(rows)


def active_category_ids() -> frozenset[int]:
    """Ids a respondent may choose today (cached with category_choices)."""
    return frozenset(category_id for category_id, _name in category_choices())


def _touches_watched(session: Session) -> bool:
    return any(isinstance(obj, _WATCHED) for obj in (*session.new, *session.dirty, *session.deleted))


def _before_flush(session, _context, _instances):
    if _touches_watched(session):
        session.info["survey_lookup_dirty"] = True
        clear()


def _after_commit(session):
    # Cleared again once the edit is visible, so a lookup made between flush and commit is not kept.
    if session.info.pop("survey_lookup_dirty", False):
        clear()


def _after_rollback(session, _previous):
    if session.info.pop("survey_lookup_dirty", False):
        clear()


def _bulk_edit(state):
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in _WATCHED:
        state.session.info["survey_lookup_dirty"] = True
        clear()


_LISTENERS = (("before_flush", _before_flush), ("after_commit", _after_commit),
              ("after_soft_rollback", _after_rollback), ("do_orm_execute", _bulk_edit))


def watch_edits() -> None:
    """Clear the cache on any edit of a watched table. Called by skm's init_app (importing this
    module registers nothing); a second create_app does not add the listeners twice."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
