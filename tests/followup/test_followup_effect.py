"""The RTL page shows each acted-on unsur's NRR in the RTL's period and the next, with the comparison."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import insert

from app.core.periods import parse_period
from app.extensions import db
from app.followup import effect as followup_effect
from app.followup import rtl
from app.models import SkmResponse
from tests.helpers import login


def _answers(layanan_id: int, month: str, u3: list[int]) -> None:
    year, mon = map(int, month.split("-"))
    db.session.execute(insert(SkmResponse), [{
        "instance_id": uuid.uuid4(), "layanan_id": layanan_id, "period": month,
        "submitted_at": datetime(year, mon, 1 + i % 27, 3), "form_version": "skm-2017-v1", "channel": "web",
        "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
        **{f"u{k}": value if k == 3 else 3 for k in range(1, 10)}} for i, value in enumerate(u3)])


@pytest.fixture()
def world(tree, make_layanan, make_user):
    lay = make_layanan("bansos", tree["dayasos"])
    analyst = make_user("analis@x.id", "analyst", tree["dayasos"])
    _answers(lay.id, "2025-03", [2, 3] * 10)  # U3 NRR 2,50
    year = parse_period("2025")
    for unsur, status in (("U3", "selesai"), ("U9", "berjalan"), ("U5", "dibatalkan")):
        rtl.create_action(analyst, tree["dayasos"], lay, year, rtl.ActionInput(
            unsur=unsur, problem="Masalah", action=f"Tindakan {unsur}", pic="PPK", status=status,
            cancel_reason="Anggaran dialihkan" if status == "dibatalkan" else None,
            completed_on=datetime(2025, 9, 1).date() if status == "selesai" else None))
    db.session.commit()
    return {**tree, "lay": lay}


def test_effects_before_and_after(app, world):
    ids = [world["lay"].id]
    codes = followup_effect.acted_unsur([world["dayasos"].id], "2025")
    assert codes == ["U3", "U9"]  # the cancelled U5 was not acted on
    after_period, rows = followup_effect.effects(ids, parse_period("2025"), codes)
    assert after_period.code == "2026"
    assert rows[0].before.value == pytest.approx(2.5) and rows[0].after is None and rows[0].difference is None
    _answers(world["lay"].id, "2026-02", [3, 4] * 10)  # U3 NRR 3,50
    db.session.commit()
    _, rows = followup_effect.effects(ids, parse_period("2025"), codes)
    assert rows[0].after.value == pytest.approx(3.5)
    assert rows[0].difference.difference == pytest.approx(1.0) and rows[0].difference.significant
    assert rows[1].difference.difference == pytest.approx(0.0) and not rows[1].difference.significant


def test_rtl_page_shows_before_and_after(client, world):
    login(client, "analis@x.id")
    url = f"/tindak-lanjut/?unit={world['dayasos'].id}&periode=2025"
    html = client.get(url).get_data(as_text=True)
    assert "NRR unsur yang ditindaklanjuti" in html and "belum ada data" in html
    _answers(world["lay"].id, "2026-02", [3, 4] * 10)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert ">2,50</td>" in html and ">3,50</td>" in html and "+1,00 (IK 95%:" in html
    assert "berbeda nyata" in html and "U5" not in html.split("NRR unsur yang ditindaklanjuti")[1].split("</table>")[0]
