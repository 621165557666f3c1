"""The system query options of one request, parsed once, bounded, against one entity set.

`$filter` is parsed by the kept library odata-query (its sly grammar, `ODataParser`) and turned
into SQLAlchemy by a subclass of its Core visitor. The subclass is the whitelist: an identifier
must be a queryable property of the entity set (mapped to its source column), a comparison is
property-to-literal (or property-to-property of the same type) with the literal converted to the
property's type and range here, and anything else — functions, arithmetic, lambdas, navigation —
is refused with an Indonesian 400. So no filter reaches the database that could fail there (a
string compared with a number, an integer beyond PostgreSQL's range, a division by zero).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from odata_query import ast
from odata_query import exceptions as odata_errors
from odata_query.grammar import ODataLexer, ODataParser
from odata_query.sqlalchemy.core import AstToSqlAlchemyCoreVisitor
from sqlalchemy import Subquery, bindparam, false, true
from sqlalchemy.sql.elements import ColumnElement

from app.odata.model import EntitySet

MAX_FILTER_LENGTH = 2000
MAX_DEPTH = 100
MAX_IN_ITEMS = 200
MAX_STRING = 500
MAX_SKIP = 10**9
MAX_SKIPTOKEN = 1500  # what app.odata.paging issues stays well inside this and inside a 4 KB request line
INT_RANGES = {"Edm.Int16": 2**15, "Edm.Int32": 2**31, "Edm.Int64": 2**63}
NUMBERS = ("Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.Decimal")
KNOWN_OPTIONS = {"$filter", "$select", "$orderby", "$top", "$skip", "$count", "$skiptoken", "$format"}
_TOKEN = re.compile(r"[A-Za-z0-9_.-]+")
_ORDER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]{0,60})(?:\s+(asc|desc))?\s*$")


class BadQuery(ValueError):
    """A query option the feed cannot answer; `message` is Indonesian (a 400)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Options:
    filter: ColumnElement | None = None
    select: list[str] | None = None
    orderby: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    top: int | None = None
    skip: int = 0
    count: bool = False
    skiptoken: str | None = None  # opaque; app.odata.paging reads it
    raw: dict[str, str] = field(default_factory=dict)  # the options as given, for the nextLink


def _count(value: str, name: str, limit: int = MAX_SKIP) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > limit:
        raise BadQuery(f"{name} harus bilangan bulat 0 sampai {limit}.")
    return int(text)


def parse(entity_set: EntitySet, source: Subquery, args) -> Options:
    """Parse every `$` option of a request's query string (a MultiDict); raises BadQuery."""
    options = Options()
    for name in args:
        values = args.getlist(name)
        if len(values) > 1:
            raise BadQuery(f"Opsi {name} hanya boleh diberikan sekali.")
        if "\x00" in values[0]:
            raise BadQuery("Opsi kueri tidak boleh berisi karakter NUL.")
        if name.startswith("$") and name not in KNOWN_OPTIONS:
            raise BadQuery(f"Opsi kueri {name} tidak didukung. Yang didukung: {', '.join(sorted(KNOWN_OPTIONS))}.")
        if name.startswith("$"):
            options.raw[name] = values[0]
    raw = options.raw
    if raw.get("$format", "json").strip().lower() not in ("json", "application/json"):
        raise BadQuery("Umpan ini hanya tersedia dalam format JSON ($format=json).")
    if "$top" in raw:
        options.top = _count(raw["$top"], "$top")
    if "$skip" in raw:
        options.skip = _count(raw["$skip"], "$skip")
    if "$skiptoken" in raw:
        options.skiptoken = _skiptoken(raw["$skiptoken"])
    if "$count" in raw:
        if raw["$count"].strip() not in ("true", "false"):
            raise BadQuery("$count harus true atau false.")
        options.count = raw["$count"].strip() == "true"
    if "$select" in raw:
        options.select = _select(entity_set, raw["$select"])
    if "$orderby" in raw:
        options.orderby = _orderby(entity_set, raw["$orderby"])
    if raw.get("$filter", "").strip():
        options.filter = parse_filter(entity_set, source, raw["$filter"])
    return options


def _skiptoken(text: str) -> str:
    """Only the shape is checked here (bounded, urlsafe characters); app.odata.paging checks the signature."""
    if len(text) > MAX_SKIPTOKEN or not _TOKEN.fullmatch(text):
        raise BadQuery("$skiptoken tidak sah. Ikuti @odata.nextLink persis seperti yang diberikan, "
                       "atau baca ulang dari awal.")
    return text


def _unknown(entity_set: EntitySet, name: str) -> BadQuery:
    return BadQuery(f"Properti '{name[:60]}' tidak ada di {entity_set.name}.")


def _select(entity_set: EntitySet, text: str) -> list[str] | None:
    names = [part.strip() for part in text.split(",")]
    if names == ["*"]:
        return None
    for name in names:
        if name not in entity_set.by_name:
            raise _unknown(entity_set, name) if name else BadQuery("$select berisi nama kosong.")
    return list(dict.fromkeys(names))


def _orderby(entity_set: EntitySet, text: str) -> list[tuple[str, bool]]:
    out = []
    for part in text.split(","):
        match = _ORDER.match(part)
        if not match:
            raise BadQuery("$orderby harus berbentuk 'properti [asc|desc], ...'.")
        prop = entity_set.by_name.get(match.group(1))
        if prop is None:
            raise _unknown(entity_set, match.group(1))
        if not prop.queryable:
            raise BadQuery(f"Properti '{prop.name}' dihitung atau tidak dapat diurutkan.")
        out.append((prop.name, match.group(2) == "desc"))
    return out


def parse_filter(entity_set: EntitySet, source: Subquery, text: str) -> ColumnElement:
    if len(text) > MAX_FILTER_LENGTH:
        raise BadQuery(f"$filter terlalu panjang (paling banyak {MAX_FILTER_LENGTH} karakter).")
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except odata_errors.ODataException:
        raise BadQuery("$filter tidak dapat dibaca. Contoh: period eq '2025-03' and unit_id eq 4") from None
    except (RecursionError, ValueError, TypeError, IndexError):
        raise BadQuery("$filter tidak dapat dibaca.") from None
    if tree is None:
        raise BadQuery("$filter kosong.")
    try:
        return _Translator(entity_set, source).condition(tree)
    except RecursionError:
        raise BadQuery("$filter terlalu bersarang.") from None


class _Translator(AstToSqlAlchemyCoreVisitor):
    """odata-query's Core visitor, narrowed to whitelisted properties, comparisons and literals."""

    def __init__(self, entity_set: EntitySet, source: Subquery):
        super().__init__(source)
        self.entity_set = entity_set
        self.depth = 0

    def visit(self, node):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadQuery("$filter terlalu bersarang.")
        try:
            return super().visit(node)
        finally:
            self.depth -= 1

    def generic_visit(self, node):
        raise BadQuery("$filter hanya mendukung eq, ne, gt, ge, lt, le, in, and, or, not pada properti "
                       "dengan nilai tetap; fungsi, aritmetika dan navigasi tidak didukung.")

    visit_Call = visit_BinOp = visit_Attribute = visit_CollectionLambda = generic_visit  # noqa: N815
    visit_Lambda = visit_NamedParam = generic_visit  # noqa: N815

    def condition(self, node) -> ColumnElement:
        """A node that must be true or false: a comparison, and/or/not of them, a Boolean property or literal."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadQuery("$filter terlalu bersarang.")
        try:
            return self._condition(node)
        finally:
            self.depth -= 1

    def _condition(self, node) -> ColumnElement:
        if isinstance(node, ast.Boolean):
            return true() if node.val == "true" else false()
        if isinstance(node, ast.Identifier) and self._prop(node).edm == "Edm.Boolean":
            return self.visit(node).is_(True)
        if isinstance(node, ast.BoolOp):
            left, right = self.condition(node.left), self.condition(node.right)
            return (left & right) if isinstance(node.op, ast.And) else (left | right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ~self.condition(node.operand)
        if isinstance(node, ast.Compare):
            return self.visit(node)
        if isinstance(node, ast.Call | ast.BinOp | ast.Attribute | ast.CollectionLambda):
            self.generic_visit(node)
        raise BadQuery("$filter harus berupa perbandingan, misalnya period eq '2025-03'.")

    def _prop(self, node: ast.Identifier):
        prop = self.entity_set.by_name.get(node.name)
        if node.namespace or prop is None:
            raise _unknown(self.entity_set, ".".join((*node.namespace, node.name)))
        if not prop.queryable:
            raise BadQuery(f"Properti '{prop.name}' dihitung setelah data dibaca dan tidak dapat difilter.")
        return prop

    def visit_Identifier(self, node: ast.Identifier):
        return self.table.c[self._prop(node).name]

    def visit_Compare(self, node: ast.Compare) -> ColumnElement:
        left, right, comparator = node.left, node.right, node.comparator
        for side in (left, right):
            if isinstance(side, ast.Call | ast.BinOp | ast.Attribute | ast.CollectionLambda | ast.UnaryOp):
                self.generic_visit(side)
        if not isinstance(left, ast.Identifier) and isinstance(right, ast.Identifier) \
                and not isinstance(comparator, ast.In):
            left, right = right, left
            comparator = {ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(),
                          ast.GtE: ast.LtE()}.get(type(comparator), comparator)
        if not isinstance(left, ast.Identifier):
            raise BadQuery("Setiap perbandingan di $filter harus memuat nama properti.")
        prop = self._prop(left)
        column = self.visit(left)
        if isinstance(comparator, ast.In):
            if not isinstance(right, ast.List) or not 0 < len(right.val) <= MAX_IN_ITEMS:
                raise BadQuery(f"'in' memerlukan daftar 1 sampai {MAX_IN_ITEMS} nilai.")
            return column.in_([self._literal(prop, item, allow_null=False) for item in right.val])
        if isinstance(right, ast.Identifier):
            other = self._prop(right)
            if _family(other.edm) != _family(prop.edm):
                raise BadQuery(f"'{prop.name}' dan '{other.name}' tidak dapat dibandingkan.")
            return self.visit(comparator)(column, self.visit(right))
        if isinstance(right, ast.Null):
            if isinstance(comparator, ast.Eq):
                return column.is_(None)
            if isinstance(comparator, ast.NotEq):
                return column.is_not(None)
            raise BadQuery("null hanya dapat dibandingkan dengan eq atau ne.")
        value = self._literal(prop, right, allow_null=False)
        return self.visit(comparator)(column, bindparam(None, value, type_=column.type))

    def _literal(self, prop, node, allow_null: bool):
        """The literal as a Python value of the property's type, or BadQuery."""
        edm = prop.edm
        wrong = BadQuery(f"Nilai untuk '{prop.name}' harus bertipe {edm.removeprefix('Edm.')}.")
        if edm in INT_RANGES:
            if not isinstance(node, ast.Integer):
                raise wrong
            value, bound = int(node.val), INT_RANGES[edm]
            if not -bound <= value < bound:
                raise BadQuery(f"Nilai untuk '{prop.name}' di luar jangkauan {edm.removeprefix('Edm.')}.")
            return value
        if edm in ("Edm.Double", "Edm.Decimal"):
            if not isinstance(node, ast.Integer | ast.Float) or len(node.val) > 40:
                raise wrong
            value = float(node.val)
            if not math.isfinite(value):
                raise wrong
            return value
        if edm == "Edm.String":
            if not isinstance(node, ast.String) or len(node.py_val) > MAX_STRING:
                raise BadQuery(f"Nilai untuk '{prop.name}' harus teks dalam tanda kutip tunggal "
                               f"(paling banyak {MAX_STRING} karakter).")
            return node.py_val
        if edm == "Edm.Boolean":
            if not isinstance(node, ast.Boolean):
                raise wrong
            return node.val == "true"
        if edm == "Edm.Date":
            if not isinstance(node, ast.Date):
                raise BadQuery(f"Nilai untuk '{prop.name}' harus tanggal, misalnya 2025-03-31.")
            return _checked(lambda: node.py_val, prop.name)
        if edm == "Edm.DateTimeOffset":
            return _moment(prop.name, node)
        raise wrong


def _family(edm: str) -> str:
    return "number" if edm in NUMBERS else edm


def _checked(read, name: str):
    try:
        value = read()
    except (ValueError, OverflowError):
        raise BadQuery(f"Nilai untuk '{name}' bukan tanggal yang sah.") from None
    if not 1900 <= value.year <= 2200:
        raise BadQuery(f"Nilai untuk '{name}' harus di antara tahun 1900 dan 2200.")
    return value


def _moment(name: str, node) -> dt.datetime:
    """A DateTimeOffset literal as naive UTC, how timestamps are stored. A date means its UTC midnight;
    a time without offset is refused, because a feed read in WIB, WITA and WIT cannot guess it."""
    if isinstance(node, ast.Date):
        day = _checked(lambda: node.py_val, name)
        return dt.datetime(day.year, day.month, day.day)
    if not isinstance(node, ast.DateTime):
        raise BadQuery(f"Nilai untuk '{name}' harus waktu dengan zona, misalnya 2025-03-01T00:00:00+07:00.")
    moment = _checked(lambda: node.py_val, name)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadQuery(f"Waktu untuk '{name}' harus menyertakan zona, misalnya +07:00 (WIB) atau Z.")
    try:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise BadQuery(f"Nilai untuk '{name}' bukan waktu yang sah.") from None
