"""The survey POST's hot path (issue 14): few statements, cached lookups that admin edits invalidate.

Timings are never tested here (bench/bench_submit.py reports them); the statement
count and the invalidation rules are.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text, update

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


# ---- the survey POST's insert on its own (transaction.execute_alone) ---------------------------------

def _answers():
    import uuid

    from app.skm import rules

    return rules.SkmAnswers(instance_id=str(uuid.uuid4()), answers={f"u{n}": 3 for n in range(1, 10)},
                            jenis_kelamin="P", usia=30, pendidikan=None, pekerjaan=None,
                            respondent_category_id=None, service_date=None, kritik_saran=None)


def _stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SkmResponse))


def test_on_sqlite_the_survey_insert_commits_as_its_own_statement(app, layanan):
    """On SQLite the caller's later rollback finds nothing to undo: the one statement committed itself.
    On PostgreSQL the insert joins the caller's transaction as always."""
    from app.core import transaction
    from app.skm import submit

    assert submit.record(layanan, _answers(), channel="web", category_ids=(), alone=True).created
    transaction.rollback()
    assert _stored() == (1 if db.engine.dialect.name == "sqlite" else 0)


def test_a_unit_of_work_that_has_written_keeps_the_insert_in_its_transaction(app, layanan):
    """Atomicity first: once this unit of work wrote (here an earlier response), the insert joins it
    and a rollback undoes both, on every database."""
    from app.core import transaction
    from app.skm import submit

    assert submit.record(layanan, _answers(), channel="web", category_ids=()).created
    assert submit.record(layanan, _answers(), channel="web", category_ids=(), alone=True).created
    transaction.rollback()
    assert _stored() == 0


def test_a_listening_webhook_keeps_the_response_and_its_event_in_one_transaction(app, layanan, tree):
    """The outbox row must commit with its response, or neither: a subscription turns the lone statement off."""
    from app.core import transaction
    from app.models import WebhookEvent, WebhookSubscription
    from app.skm import submit
    from app.webhooks import outbox

    db.session.add(WebhookSubscription(unit_id=tree["psds"].id, url="https://contoh.go.id/kait",
                                       events=["skm.response.created"], secret="rahasia", active=True))
    db.session.commit()
    outbox.clear()
    try:
        assert submit.record(layanan, _answers(), channel="web", category_ids=(), alone=True).created
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 1  # in this transaction
        transaction.rollback()
        assert _stored() == 0
        assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    finally:
        outbox.clear()


def test_alone_a_duplicate_and_a_foreign_instance_id_are_still_told_apart(app, layanan, make_layanan, tree):
    from app.core import transaction
    from app.skm import rules, submit

    answers = _answers()
    assert submit.record(layanan, answers, channel="web", category_ids=(), alone=True).created
    transaction.commit()
    assert not submit.record(layanan, answers, channel="web", category_ids=(), alone=True).created
    other = make_layanan("izin-lain", tree["psds"], name="Izin lain", active=True, published=True)
    with pytest.raises(rules.InvalidResponse) as refused:
        submit.record(other, answers, channel="web", category_ids=(), alone=True)
    assert refused.value.errors == {"instance_id": [rules.FOREIGN_INSTANCE_ID]}
    transaction.rollback()
    assert _stored() == 1


def test_a_pending_orm_change_counts_as_a_write_of_the_unit_of_work(app, layanan):
    """Not yet flushed is still written: execute_alone flushes first, so the insert joins that transaction."""
    from app.core import transaction
    from app.skm import submit
    from app.webhooks import events

    # Load now what record() reads (the cached webhook lookup, the layanan and its unit), as the route's
    # cached values are: no query of record()'s may autoflush the change below before execute_alone looks.
    events.skm_response_wanted()
    assert layanan.id and layanan.slug and submit.zone_of(layanan)
    db.session.add(RespondentCategory(code="tertunda", name="Tertunda", active=True, sort_order=98))
    assert submit.record(layanan, _answers(), channel="web", category_ids=(), alone=True).created
    transaction.rollback()
    assert _stored() == 0
    assert db.session.scalar(select(func.count()).select_from(RespondentCategory)
                             .where(RespondentCategory.code == "tertunda")) == 0
