"""The kept library odata-query against this SQLAlchemy (2.1): its own ORM shorthand and the Core
visitor our translator extends both still build working WHERE clauses. A canary for upgrades."""
from __future__ import annotations

from odata_query.grammar import ODataLexer, ODataParser
from odata_query.sqlalchemy import apply_odata_query
from odata_query.sqlalchemy.core import AstToSqlAlchemyCoreVisitor
from sqlalchemy import select

from app.extensions import db
from app.models import SkmResponse
from tests.factories import store_responses


def test_odata_query_builds_filters_on_this_sqlalchemy(tree, make_layanan):
    layanan = make_layanan("izin", tree["psds"], active=True)
    store_responses(layanan, {}, 3, month="2025-03")
    store_responses(layanan, {}, 2, month="2025-04")
    orm = apply_odata_query(select(SkmResponse), "period eq '2025-03' and u1 ge 4")
    assert len(db.session.scalars(orm).all()) == 3
    table = SkmResponse.__table__
    clause = AstToSqlAlchemyCoreVisitor(table).visit(
        ODataParser().parse(ODataLexer().tokenize("period ne '2025-03'")))
    assert db.session.scalar(select(db.func.count()).select_from(table).where(clause)) == 2
