"""A world for the feed: two sibling units with responses, indicators and monitoring records."""
from __future__ import annotations

import base64
from datetime import date

import pytest

from app.extensions import db
from app.models import Indicator, IndicatorManualValue, IndicatorTarget
from tests.api.helpers import token_for
from tests.factories import store_responses
from tests.monitoring_fixtures import as_user, check_payload, income_payload


def basic(secret: str, user: str = "siapa@saja") -> dict:
    raw = base64.b64encode(f"{user}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def _indicator(unit, code: str, year: int, value: float) -> Indicator:
    ind = Indicator(unit_id=unit.id, code=code, name=f"Indikator {code}", source="manual", kind="percentage",
                    polarity="positive", ci_method="wilson", use_fpc=True, active=True)
    db.session.add(ind)
    db.session.flush()
    db.session.add(IndicatorManualValue(indicator_id=ind.id, year=year, note="LKj", n=330, t=370))
    db.session.add(IndicatorTarget(indicator_id=ind.id, year=year, revision="PK Januari",
                                   effective_date=date(year, 1, 15), value=value))
    return ind


@pytest.fixture()
def world(app, field, make_layanan):
    """`inside` (PSDS, under DAYASOS) and `outside` (REHSOS, its sibling) each with SKM responses in
    two months, an indicator, and (inside only, by monitor A) one check and one income sample."""
    tree, users = field["tree"], field["users"]
    inside = make_layanan("izin", tree["psds"], active=True)
    outside = make_layanan("rehab", tree["rehsos"], active=True)
    store_responses(inside, {"U3": 2}, 3, month="2025-03")
    store_responses(inside, {}, 2, month="2025-04")
    store_responses(outside, {"U1": 1}, 4, month="2025-03")
    _indicator(tree["dayasos"], "IKU-D", 2022, 91)
    _indicator(tree["rehsos"], "IKU-R", 2022, 80)
    db.session.commit()
    mon_a = as_user(app, "mona@x.id")
    assert mon_a.post("/pantau/pendamping/catat?jenis=PKH",
                      data=check_payload(mon_a, field["pendamping"]["PKH-001"])).status_code == 303
    assert mon_a.post("/pantau/pendapatan/catat", data=income_payload(mon_a)).status_code == 303
    secrets = {who: token_for(user) for who, user in users.items()}
    return {**field, "inside": inside, "outside": outside, "secrets": secrets}
