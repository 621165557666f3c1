"""Issue 15: every write path announces its change (creates, corrections and rejections alike), to the
subscriptions whose unit subtree holds the record and that listen to that event, and to no other."""
from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from app.core import transaction
from app.extensions import db
from app.indicators import targets
from app.models import Indicator, WebhookDelivery, WebhookEvent
from app.models.webhook import EVENTS
from app.monitoring import checks, income_samples
from app.monitoring.observation_dates import unit_today
from tests.monitoring_fixtures import program, region
from tests.survey_helpers import JSON, payload

NIK = "3273010101900001"


def _events() -> list[str]:
    return list(db.session.scalars(select(WebhookEvent.name).order_by(WebhookEvent.id)))


def _deliveries_to(subscription_id: int) -> list[str]:
    return list(db.session.scalars(select(WebhookEvent.name).join(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id).order_by(WebhookEvent.id)))


def test_every_monitoring_and_indicator_change_is_announced(app, field, subscribe):
    everything = subscribe("KEMENSOS", "http://example.org/all", EVENTS).subscription
    sibling = subscribe("REHSOS", "http://example.org/rehsos", EVENTS).subscription
    only_rejections = subscribe("DAYASOS", "http://example.org/rej", ["monitoring.check.rejected"]).subscription
    mona, admin = field["users"]["mon_a"], field["users"]["admin"]
    pend = field["pendamping"]["PKH-001"]
    data = {"instance_id": uuid.uuid4(), "pendamping_id": pend.id, "period": "2025", "visit_date": date(2025, 5, 10),
            "method": "kunjungan", "answers": {"K1": "ya", "K2": "ya", "K3": "ya"}}
    outcome = checks.create_check(checks.CheckInput(**data), monitor=mona, period_kind="year")
    assert outcome.status == "ok"
    record = outcome.record
    assert checks.correct_check(record, checks.CheckInput(**{**data, "answers": {"K1": "ya", "K2": "tidak",
                                                                                 "K3": "ya"}}),
                                actor=mona).status == "ok"
    assert checks.reject(record, "salah pendamping", actor=admin)
    today = unit_today(pend.unit_id)
    values = {"instance_id": uuid.uuid4(), "program_id": program().id, "unit_id": pend.unit_id,
              "region_id": region("32.73").id, "source": "web", "status": "valid", "cohort_year": 2025,
              "intervention_date": today - timedelta(days=120), "monitoring_date": today, "household_size": 4,
              "measure": "laba", "income_before": 1_000_000, "income_after": 1_500_000, "business_status": "berjalan"}
    sample = income_samples.save(values, nik=NIK, actor=mona).sample
    income_samples.save({"income_after": 1_600_000}, existing=sample, actor=mona)
    assert checks.reject(sample, "ganda", actor=admin)
    indicator = Indicator(unit_id=pend.unit_id, code="IKU-1", name="Indikator", source="manual")
    db.session.add(indicator)
    db.session.flush()
    targets.set_manual_value(indicator, year=2025, value=80, n=None, t=None, population=None, note="LKj", actor=admin)
    targets.add_target(indicator, year=2025, revision="PK", effective_date=date(2025, 1, 2), value=90, note=None,
                       actor=admin)
    transaction.commit()
    expected = ["monitoring.check.created", "monitoring.check.corrected", "monitoring.check.rejected",
                "monitoring.income.created", "monitoring.income.corrected", "monitoring.income.rejected",
                "indicator.value.changed", "indicator.value.changed"]
    assert _events() == expected
    assert _deliveries_to(everything.id) == expected
    assert _deliveries_to(sibling.id) == []  # REHSOS is a sibling of DAYASOS, not above it
    assert _deliveries_to(only_rejections.id) == ["monitoring.check.rejected"]
    payloads = json.dumps([e.payload for e in db.session.scalars(select(WebhookEvent))])
    assert NIK not in payloads and "salah pendamping" not in payloads
    kinds = [e.payload["kind"] for e in db.session.scalars(select(WebhookEvent).where(
        WebhookEvent.name == "indicator.value.changed"))]
    assert kinds == ["manual", "target"]


def test_a_flagged_survey_response_is_announced_twice(app, client, tree, make_layanan, subscribe):
    layanan = make_layanan("izin-ugb", tree["psds"], active=True, published=True)
    subscribe("PSDS", "http://example.org/flags", ["skm.response.flagged"])
    subscribe("KEMENSOS", "http://example.org/all", ["skm.response.created", "skm.response.flagged"])
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    assert _events() == ["skm.response.created"]
    assert client.post("/s/izin-ugb", data=payload(layanan.id, seconds_ago=2), headers=JSON).json["status"] == "ok"
    assert _events() == ["skm.response.created", "skm.response.created", "skm.response.flagged"]
    flagged = db.session.scalar(select(WebhookEvent).where(WebhookEvent.name == "skm.response.flagged"))
    assert flagged.payload["flags"]["too_fast"] is True and len(flagged.payload["instance_id"]) == 36
    assert "kritik_saran" not in flagged.payload


def test_nobody_listening_writes_nothing(app, client, tree, make_layanan, subscribe):
    layanan = make_layanan("izin-ugb", tree["psds"], active=True, published=True)
    subscribe("REHSOS", "http://example.org/rehsos", ["skm.response.created"])  # another subtree
    subscribe("KEMENSOS", "http://example.org/other", ["monitoring.check.created"])  # another event
    assert client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON).json["status"] == "ok"
    assert _events() == []


def test_a_deactivated_subscription_stops_at_once(app, client, tree, make_layanan, subscribe, field):
    from app.webhooks import subscriptions

    layanan = make_layanan("izin-ugb", tree["psds"], active=True, published=True)
    created = subscribe("KEMENSOS", "http://example.org/all", ["skm.response.created"])
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    assert subscriptions.deactivate(created.subscription, actor=field["users"]["admin"])
    transaction.commit()
    client.post("/s/izin-ugb", data=payload(layanan.id), headers=JSON)
    assert _events() == ["skm.response.created"]
