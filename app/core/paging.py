"""One paging and search helper for every list page (admin lists, registry, monitoring lists).

Why: lists either showed everything or cut off silently at 100 rows (the
pendamping registry), and each page that did page had its own copy. Here a
list reads `?hal=` (page number) and `?q=` (free text) once at the edge with
the shared parsers, fetches one row more than it shows to know whether a next
page exists (no COUNT over the whole scope), and builds the previous/next links
from the current query string (app.core.links.with_query), so the filters survive
paging. Scoping stays with the caller: pass an already scoped statement.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, or_

from app.core.links import with_query
from app.core.parsing import arg_int
from app.extensions import db

PAGE_ARG = "hal"
SEARCH_ARG = "q"
MAX_PAGE = 99_999
SEARCH_MAX = 100


@dataclass
class Page:
    rows: list
    number: int
    prev_url: str | None
    next_url: str | None


def page_number() -> int:
    return arg_int(PAGE_ARG, 1, MAX_PAGE) or 1


def page_url(**changes) -> str:
    """The current list with `changes` applied and the page number reset (a new filter starts at page 1)."""
    return with_query(request.path, request.args, **{PAGE_ARG: None, **changes})


def paginate(stmt: Select, per_page: int = 50) -> Page:
    number = page_number()
    rows = db.session.scalars(stmt.limit(per_page + 1).offset((number - 1) * per_page)).all()
    nxt = page_url(**{PAGE_ARG: number + 1}) if len(rows) > per_page else None
    prev = page_url(**{PAGE_ARG: number - 1}) if number > 1 else None
    return Page(rows=list(rows[:per_page]), number=number, prev_url=prev, next_url=nxt)


def search_text(name: str = SEARCH_ARG) -> str:
    """The trimmed search text of `?q=`, at most SEARCH_MAX characters ("" when absent)."""
    return request.args.get(name, "").strip()[:SEARCH_MAX]


def contains(text: str, *columns):
    """A case-insensitive "contains `text`" over `columns`; % and _ in the text are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(column.ilike(f"%{escaped}%", escape="\\") for column in columns))


def search(stmt: Select, *columns) -> Select:
    """`stmt` narrowed to rows where any of `columns` contains `?q=`; unchanged without a search."""
    text = search_text()
    return stmt.where(contains(text, *columns)) if text else stmt
