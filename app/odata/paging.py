"""Keyset paging for the feed: the sort order of a request and the opaque `$skiptoken` of its nextLink.

The order of a page is always total: the requested `$orderby` columns, then the entity key for
the ones it does not name. NULL sorts as the smallest value on every database — `NULLS FIRST`
ascending, `NULLS LAST` descending, written out because PostgreSQL's default is the opposite of
SQLite's — so a walk is the same on both.

The token is the position after the last row sent: that row's sort-key values and how many rows
the walk has sent (for `$top`), signed with itsdangerous under SECRET_KEY and a salt of its own,
urlsafe base64 (compressed when that helps). It also names the entity set and the order it was
made for, and is refused (an Indonesian 400, before any SQL) with another one. The next page is
`WHERE (sort columns) > (last values)`, column by column in each one's direction, so a row added
or removed in the part already read shifts nothing: every row that exists throughout the walk is
sent exactly once. When the values are too long for a short URL (a 2,000-character
`kritik_saran`), the token names the last row by its key with a digest of its values instead,
and the next page reads them back; if that row has since changed or gone the token is a 400.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Subquery, and_, bindparam, false, or_

from app.odata.model import EntitySet
from app.odata.query import INT_RANGES, MAX_SKIP, MAX_SKIPTOKEN, BadQuery

MAX_TOKEN = MAX_SKIPTOKEN
SALT = "pantau.odata.skiptoken.v1"
INLINE_VALUES = 600  # characters of JSON sort values a token carries before it names the row by key instead
INVALID = "$skiptoken tidak sah. Ikuti @odata.nextLink persis seperti yang diberikan, atau baca ulang dari awal."
OTHER_QUERY = ("$skiptoken ini dibuat untuk entity set atau $orderby lain. Ikuti @odata.nextLink persis seperti "
               "yang diberikan.")
ROW_CHANGED = ("$skiptoken tidak dapat dilanjutkan karena baris terakhir halaman sebelumnya telah berubah atau "
               "dihapus. Baca ulang dari awal.")


@dataclass(frozen=True)
class SortColumn:
    name: str
    desc: bool
    nullable: bool
    edm: str


@dataclass(frozen=True)
class Position:
    """Where a walk resumes: the last row's sort values, or (for long values) its key and their digest."""

    sent: int
    values: tuple | None = None
    key: tuple | None = None
    digest: str = ""


def sort_columns(entity_set: EntitySet, orderby: list[tuple[str, bool]]) -> list[SortColumn]:
    """The requested order (each property once, first mention wins), then the key: a total order."""
    chosen = dict.fromkeys(name for name, _ in orderby)
    desc = {}
    for name, descending in orderby:
        desc.setdefault(name, descending)
    for key in entity_set.keys:
        if key.name not in chosen:
            chosen[key.name] = None
            desc[key.name] = False
    return [SortColumn(name, desc[name], entity_set.by_name[name].nullable, entity_set.by_name[name].edm)
            for name in chosen]


def order_by(source: Subquery, columns: list[SortColumn]) -> list:
    out = []
    for c in columns:
        column = source.c[c.name]
        clause = column.desc() if c.desc else column.asc()
        if c.nullable:  # NULL is the smallest value, on every database
            clause = clause.nulls_last() if c.desc else clause.nulls_first()
        out.append(clause)
    return out


def after(source: Subquery, columns: list[SortColumn], values: tuple):
    """Rows strictly after `values` in the order of `columns`: (c1 after v1) or (c1 = v1 and c2 after v2) or …"""
    branches = []
    for i, (c, value) in enumerate(zip(columns, values, strict=True)):
        same = [_same(source.c[p.name], v) for p, v in zip(columns[:i], values[:i], strict=True)]
        branches.append(and_(*same, _after(source.c[c.name], c, value)))
    return or_(*branches)


def _same(column, value):
    return column.is_(None) if value is None else column == _bound(column, value)


def _after(column, c: SortColumn, value):
    if value is None:  # NULL is the smallest: ascending, every value follows it; descending, none does
        return false() if c.desc else column.is_not(None)
    beyond = column < _bound(column, value) if c.desc else column > _bound(column, value)
    return or_(beyond, column.is_(None)) if c.desc and c.nullable else beyond


def _bound(column, value):
    """A parameter of the column's type (a Boolean too, which SQLAlchemy will not compare with < as a literal)."""
    return bindparam(None, value, type_=column.type)


# ---- the token ------------------------------------------------------------------------------------

def serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def order_mark(entity_set: EntitySet, columns: list[SortColumn]) -> str:
    """A short digest of the entity set and order a token belongs to (an order of 30 columns stays short)."""
    spec = entity_set.name + ":" + ",".join(f"{c.name} {'desc' if c.desc else 'asc'}" for c in columns)
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def digest(dumped: list) -> str:
    text = json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def encode(secret: str, entity_set: EntitySet, columns: list[SortColumn], row, sent: int) -> str:
    """The token for the page after `row` (the last one sent), `sent` rows into the walk."""
    mapping = row._mapping
    dumped = [_dump(c.edm, mapping[c.name]) for c in columns]
    payload = {"o": order_mark(entity_set, columns), "n": sent}
    if len(json.dumps(dumped)) <= INLINE_VALUES:
        payload["k"] = dumped
    else:
        payload["r"] = [_dump(key.edm, mapping[key.name]) for key in entity_set.keys]
        payload["h"] = digest(dumped)
    return serializer(secret).dumps(payload)


def decode(secret: str, entity_set: EntitySet, columns: list[SortColumn], token: str) -> Position:
    """The position a token names; BadQuery for anything this server did not issue for this very order."""
    try:
        payload = serializer(secret).loads(token)
    except (BadData, ValueError, TypeError, UnicodeError):
        raise BadQuery(INVALID) from None
    if not isinstance(payload, dict):
        raise BadQuery(INVALID)
    if payload.get("o") != order_mark(entity_set, columns):
        raise BadQuery(OTHER_QUERY)
    sent = payload.get("n")
    if type(sent) is not int or not 0 <= sent <= MAX_SKIP:
        raise BadQuery(INVALID)
    if "k" in payload:
        return Position(sent, values=_loaded(columns, payload["k"]))
    keys = [SortColumn(k.name, False, False, k.edm) for k in entity_set.keys]
    mark = payload.get("h")
    if not isinstance(mark, str) or len(mark) != 32:
        raise BadQuery(INVALID)
    return Position(sent, key=_loaded(keys, payload.get("r")), digest=mark)


def resolved(columns: list[SortColumn], position: Position, row) -> tuple:
    """The sort values of a key-named position, read back from its row: it must still hold them."""
    if row is None:
        raise BadQuery(ROW_CHANGED)
    dumped = [_dump(c.edm, row._mapping[c.name]) for c in columns]
    if digest(dumped) != position.digest:
        raise BadQuery(ROW_CHANGED)
    return _loaded(columns, dumped)


def _loaded(columns: list[SortColumn], dumped) -> tuple:
    if not isinstance(dumped, list) or len(dumped) != len(columns):
        raise BadQuery(INVALID)
    if any(value is None and not c.nullable for c, value in zip(columns, dumped, strict=True)):
        raise BadQuery(INVALID)
    return tuple(_load(c.edm, value) for c, value in zip(columns, dumped, strict=True))


def _dump(edm: str, value):
    """A sort value as JSON: exact, so the next page compares with the very value the row had."""
    if value is None:
        return None
    if edm in INT_RANGES:
        return int(value)
    if edm in ("Edm.Double", "Edm.Decimal"):
        return str(value)
    if edm == "Edm.Boolean":
        return bool(value)
    if edm in ("Edm.Date", "Edm.DateTimeOffset"):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def _load(edm: str, value):
    """The inverse of _dump, strict about types and ranges (a token is client input, even when signed)."""
    if value is None:
        return None
    try:
        if edm in INT_RANGES:
            if type(value) is not int or not -INT_RANGES[edm] <= value < INT_RANGES[edm]:
                raise BadQuery(INVALID)
            return value
        if edm in ("Edm.Double", "Edm.Decimal"):
            number = Decimal(_text(value, 60))
            if not number.is_finite():
                raise BadQuery(INVALID)
            return float(number) if edm == "Edm.Double" and math.isfinite(float(number)) else number
        if edm == "Edm.Boolean":
            if type(value) is not bool:
                raise BadQuery(INVALID)
            return value
        if edm == "Edm.Date":
            return dt.date.fromisoformat(_text(value, 10))
        if edm == "Edm.DateTimeOffset":
            return dt.datetime.fromisoformat(_text(value, 40))
        return _text(value, MAX_TOKEN * 4)
    except (ValueError, OverflowError, InvalidOperation):
        raise BadQuery(INVALID) from None


def _text(value, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise BadQuery(INVALID)
    return value
