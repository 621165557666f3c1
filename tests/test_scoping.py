"""Scope is a property of the query, not of the view."""
from app.core.scoping import scoped, unit_subtree_ids
from app.extensions import db
from app.models import Layanan, Unit


def test_subtree_includes_descendants_only(tree, make_layanan):
    ids = set(db.session.scalars(unit_subtree_ids(tree["dayasos"].id)))
    assert ids == {tree["dayasos"].id, tree["psds"].id}


def test_scoped_select_filters_rows(tree, make_user, make_layanan):
    analyst = make_user("a@x.id", "analyst", tree["dayasos"])
    make_layanan("ugb", tree["psds"])
    make_layanan("rehab", tree["rehsos"])
    slugs = {row.slug for row in db.session.scalars(scoped(Layanan, analyst))}
    assert slugs == {"ugb"}
    units = {u.code for u in db.session.scalars(scoped(Unit, analyst))}
    assert units == {"DAYASOS", "PSDS"}
