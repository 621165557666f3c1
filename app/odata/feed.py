"""Read one page of an entity set for a user: scope, `$filter`, stable order, paging, JSON values.

Server-driven paging is keyset paging (app.odata.paging): each page holds at most the set's page
size, in a total order — the requested `$orderby`, then the key, NULL as the smallest value on
every database — and `@odata.nextLink` repeats the request's own options plus `$skiptoken`, an
opaque token signed with SECRET_KEY that holds the last row's sort-key values (and how many rows
the walk has sent, for `$top`). The next page is the rows after those values, so a client that
follows every nextLink gets each row that exists throughout the walk exactly once, in any order,
even when rows are added or removed meanwhile (a row added behind the walk's position is not
sent; one added ahead of it is). `$skip` applies to the first page only.
Values are written as OData JSON wants them: numbers as JSON numbers, Edm.Date as YYYY-MM-DD,
Edm.DateTimeOffset in the unit's own zone with its offset (WIB +07:00, WITA +08:00, WIT +09:00).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.core.local_time import DEFAULT_ZONE
from app.extensions import db
from app.models import User
from app.odata import paging, query
from app.odata.entities import ENTITY_SETS
from app.odata.model import EntitySet


class NotFound(LookupError):
    pass


class Forbidden(PermissionError):
    pass


@dataclass(frozen=True)
class Request:
    """What the route parsed: the set's name, the query string (a MultiDict) and the service root URL."""

    set_name: str
    args: object
    service_root: str  # ends with "/"
    secret: str  # SECRET_KEY, which signs the $skiptoken


def entity_set_for(name: str, user: User) -> EntitySet:
    entity_set = ENTITY_SETS.get(name)
    if entity_set is None:
        raise NotFound(name)
    if not entity_set.readable_by(user):
        raise Forbidden(name)
    return entity_set


def _prepare(req: Request, user: User):
    entity_set = entity_set_for(req.set_name, user)
    source = entity_set.source(user)
    options = query.parse(entity_set, source, req.args)
    stmt = select(source)
    if options.filter is not None:
        stmt = stmt.where(options.filter)
    return entity_set, source, options, stmt


def _count_of(stmt) -> int:
    return int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def count(req: Request, user: User) -> int:
    """`/$count`: the rows in scope that pass `$filter` (ignoring `$top` and `$skip`)."""
    _, _, _, stmt = _prepare(req, user)
    return _count_of(stmt)


def read(req: Request, user: User) -> dict:
    """One page of the entity set as an OData JSON document. Raises NotFound, Forbidden or query.BadQuery."""
    entity_set, source, options, stmt = _prepare(req, user)
    columns = paging.sort_columns(entity_set, options.orderby)
    page, sent, offset = stmt, 0, options.skip
    if options.skiptoken is not None:
        position = paging.decode(req.secret, entity_set, columns, options.skiptoken)
        values = position.values
        if values is None:
            values = paging.resolved(columns, position, _row_by_key(entity_set, source, position.key))
        page, sent, offset = stmt.where(paging.after(source, columns, values)), position.sent, 0
    remaining = None if options.top is None else max(options.top - sent, 0)
    want = entity_set.page_size if remaining is None else min(entity_set.page_size, remaining)
    rows = []
    if want:
        rows = list(db.session.execute(page.order_by(*paging.order_by(source, columns)).offset(offset)
                                       .limit(want + 1)))
    more = len(rows) > want and (remaining is None or remaining > want)
    rows = rows[:want]
    names = options.select or [p.name for p in entity_set.props]
    document = {"@odata.context": _context(req.service_root, entity_set, options.select)}
    if options.count:
        document["@odata.count"] = _count_of(stmt)
    document["value"] = _values(entity_set, rows, names)
    if more:
        token = paging.encode(req.secret, entity_set, columns, rows[-1], sent + want)
        document["@odata.nextLink"] = _next_link(req, options, token)
    return document


def _row_by_key(entity_set: EntitySet, source, key: tuple):
    """The row a long-valued token names, in the user's scope (not `$filter`: its values are what count)."""
    match = [source.c[prop.name] == value for prop, value in zip(entity_set.keys, key, strict=True)]
    return db.session.execute(select(source).where(*match)).first()


def _context(root: str, entity_set: EntitySet, selected: list[str] | None) -> str:
    suffix = f"({','.join(selected)})" if selected else ""
    return f"{root}$metadata#{entity_set.name}{suffix}"


def _next_link(req: Request, options: query.Options, token: str) -> str:
    params = {name: value for name, value in options.raw.items() if name != "$skiptoken"}
    params["$skiptoken"] = token
    return f"{req.service_root}{req.set_name}?{urlencode(params, safe='$,:()')}"


def _values(entity_set: EntitySet, rows: list, names: list[str]) -> list[dict]:
    props = [entity_set.by_name[name] for name in names]
    computed = [{}] * len(rows)
    if entity_set.finish is not None and any(p.computed for p in props) and rows:
        computed = entity_set.finish(rows)
    out = []
    for row, extra in zip(rows, computed, strict=True):
        mapping = row._mapping
        zone = mapping.get("_tz")
        out.append({p.name: _json(p.edm, extra.get(p.name) if p.computed else mapping[p.name], zone)
                    for p in props})
    return out


def _json(edm: str, value, zone: str | None):
    """One value as OData JSON: never a string where the type is a number, never NaN."""
    if value is None:
        return None
    if edm in ("Edm.Int16", "Edm.Int32", "Edm.Int64"):
        return int(value)
    if edm in ("Edm.Double", "Edm.Decimal"):
        number = float(value) if isinstance(value, Decimal | int | float) else float(str(value))
        return number if math.isfinite(number) else None
    if edm == "Edm.Boolean":
        return bool(value)
    if edm == "Edm.Date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if edm == "Edm.DateTimeOffset":
        return local_moment(value, zone)
    return str(value)


def local_moment(value: datetime, zone: str | None) -> str:
    """A naive-UTC timestamp in the unit's zone with its offset: 2025-03-01T09:30:00+07:00."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone or DEFAULT_ZONE)).isoformat()
