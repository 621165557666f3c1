"""A 10,000-row feed is paged by the server: walking every @odata.nextLink, as Excel does, yields each
row exactly once, in key order, with @odata.count equal to the rows read."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import SkmResponse
from tests.api.helpers import token_for
from tests.factories import store_responses
from tests.odata.conftest import basic
from tests.odata.walker import local


def test_ten_thousand_rows_each_exactly_once(client, tree, make_user, make_layanan):
    layanan = make_layanan("besar", tree["psds"], active=True)
    store_responses(layanan, {}, 10_000, month="2025-03")
    headers = basic(token_for(make_user("a@x.id", "analyst", tree["dayasos"])))
    path, ids, pages, added = "/odata/v1/JawabanSkm?$count=true&$select=id,period,submitted_at", [], 0, False
    while path:
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200
        document = answer.json
        pages += 1
        assert len(document["value"]) <= 1000 and document["@odata.count"] >= 10_000
        ids += [row["id"] for row in document["value"]]
        path = local(document["@odata.nextLink"]) if "@odata.nextLink" in document else None
        if pages == 3 and not added:  # responses keep arriving while Excel reads
            store_responses(layanan, {}, 7, month="2025-04")
            added = True
    existing = db.session.scalar(select(func.count()).select_from(SkmResponse))
    assert existing == 10_007
    assert len(ids) == len(set(ids)) == 10_007 and ids == sorted(ids)
    assert pages == 11  # ten full pages and one of 7
    count = client.get("/odata/v1/JawabanSkm/$count", headers=headers)
    assert count.get_data(as_text=True) == "10007"
