"""The survey POST's hot path (issue 14): few statements, cached lookups that admin edits invalidate.

Timings are never tested here (bench/bench_submit.py reports them); the statement
count and the invalidation rules are.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, select, text, update

from app.extensions import db
from app.models import RespondentCategory, SkmResponse
from app.skm import lookup as survey_lookup
from tests.survey_helpers import JSON, payload


@pytest.fixture()
def layanan(tree, make_layanan):
    return make_layanan("izin-ugb", tree["psds"], name="Izin UGB", active=True, published=True)


@pytest.fixture()
def statements(app):
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_warm_submission_is_one_statement_that_checks_and_inserts(client, layanan, statements):
    client.set_cookie("pantau_perangkat", "device-one")
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    second = payload(layanan.id)
    statements.clear()
    assert client.post("/s/izin-ugb", data=second, headers=JSON).json["status"] == "ok"
    sql = [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
                                                                      "RELEASE"))]
    assert len(sql) == 1, sql  # on PostgreSQL too: the stamp's lock is taken inside it (migration 0027)
    assert sql[-1].lstrip().upper().startswith("INSERT INTO SKM_RESPONSE")
    rows = db.session.scalars(select(SkmResponse).order_by(SkmResponse.id)).all()
    assert [r.flag_repeat_device for r in rows] == [False, True]  # the merged check still flags
    assert [r.flag_stamp_reused for r in rows] == [False, False]


def test_an_admin_switching_a_layanan_off_is_seen_by_the_next_post(client, layanan):
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200
    layanan.active = False  # as the admin page does: an ORM edit and a commit
    db.session.commit()
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 404


def test_a_bulk_update_of_the_unit_invalidates_too(client, layanan, tree):
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200
    db.session.execute(update(type(tree["psds"])).where(type(tree["psds"]).id == tree["psds"].id).values(active=False))
    db.session.commit()
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 404


def test_an_edit_made_by_another_process_is_honoured_after_the_ttl(client, layanan, monkeypatch):
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200
    # Another worker's edit: plain SQL on its own connection, no event reaches this process.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE layanan SET active = false WHERE id = :id"), {"id": layanan.id})
    clock = survey_lookup.time.monotonic()
    monkeypatch.setattr(survey_lookup.time, "monotonic", lambda: clock + survey_lookup.DEFAULT_TTL + 1)
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 404


def test_a_new_category_is_accepted_at_once(client, layanan):
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).status_code == 200
    category = RespondentCategory(code="UJI", name="Uji", active=True, sort_order=99)
    db.session.add(category)
    db.session.commit()
    answer = client.post("/s/izin-ugb", data=payload(layanan.id, respondent_category=str(category.id)), headers=JSON)
    assert answer.json["status"] == "ok", answer.json
    db.session.expire_all()
    assert db.session.scalar(select(SkmResponse.respondent_category_id).order_by(SkmResponse.id.desc()).limit(1)) \
        == category.id


def test_an_unknown_slug_is_404_and_cached_as_such(client, layanan, make_layanan, tree):
    assert client.post("/s/belum-ada", data=payload(layanan.id), headers=JSON).status_code == 404
    fresh = make_layanan("belum-ada", tree["psds"], name="Baru", active=True, published=True)
    assert client.post("/s/belum-ada", data=payload(fresh.id), headers=JSON).json["status"] == "ok"




def test_the_cached_stamp_signer_follows_a_rotated_secret_key(app):
    """The render-stamp serializer is built once per secret key: after a key change, stamps signed
    with the old key are forged ones (no duration), and new stamps verify under the new key."""
    from app.skm import submit

    old_stamp = submit.start_token(7, now=1000)
    assert submit.duration_from(old_stamp, 7, now=1030) == 30
    app.config["SECRET_KEY"] = "another-secret-key-for-this-test-only"
    assert submit.duration_from(old_stamp, 7, now=1030) is None
    new_stamp = submit.start_token(7, now=1000)
    assert new_stamp != old_stamp and submit.duration_from(new_stamp, 7, now=1045) == 45
