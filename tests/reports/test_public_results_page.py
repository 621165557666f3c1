"""/hasil/<unit> (issue 13): Indonesian numbers throughout, n beside every score and the
small-sample caution (n < 30 without N, n below the Krejcie-Morgan target with N)."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from analysis.sample_size import krejcie_morgan
from app.core.periods import current_period
from app.extensions import db
from app.models import ServicePopulation, utcnow
from app.reports.sample_caution import sample_caution
from app.skm import submit as skm_submit


def _add(layanan, value: int, count: int) -> None:
    for _ in range(count):
        skm_submit.insert_ignoring_duplicate(skm_submit.row_values(
            layanan, instance_id=uuid.uuid4(), answers={f"u{i}": value for i in range(1, 10)} | {"u8": 2},
            submitted_at=utcnow() - timedelta(minutes=1), channel="web", profile={}))
    db.session.commit()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture()
def world(tree, make_layanan):
    small = make_layanan("kecil", tree["psds"], name="Layanan Kecil", published=True)
    big = make_layanan("besar", tree["psds"], name="Layanan Besar", published=True)
    _add(small, 3, 12)
    _add(big, 4, 40)
    return small, big


def test_every_number_on_the_page_uses_the_indonesian_format(client, world):
    html = client.get("/hasil/PSDS").get_data(as_text=True)
    body = _text(html[html.index("<main>"):])
    assert not re.search(r"\d\.\d\d\b", body), re.findall(r"\S*\d\.\d\d\b\S*", body)
    assert "72,22" in body and "94,44" in body  # 3s with one 2; 4s with one 2


def test_n_and_the_caution_without_population(client, world):
    body = _text(client.get("/hasil/PSDS").get_data(as_text=True))
    assert "n = 52 responden" in body
    assert "Sampel kecil: 12 responden (kurang dari 30)" in body
    assert "Sampel kecil: 40 responden" not in body


def test_with_population_the_target_is_krejcie_morgan(client, world):
    small, big = world
    code = current_period(small.unit.timezone, "year").code
    db.session.add_all([ServicePopulation(layanan_id=small.id, period=code, population=12),
                        ServicePopulation(layanan_id=big.id, period=code, population=100)])
    db.session.commit()
    body = _text(client.get("/hasil/PSDS").get_data(as_text=True))
    assert krejcie_morgan(12) <= 12 and krejcie_morgan(100) == 80
    assert "Sampel kecil: 12 responden" not in body  # a census of 12 is no small sample
    assert "Sampel kecil: 40 responden, di bawah target Krejcie-Morgan 80 untuk 100 pengguna layanan." in body
    # The whole: 52 of 112 users against the target for 112.
    assert f"di bawah target Krejcie-Morgan {krejcie_morgan(112)} untuk 112 pengguna layanan" in body


@pytest.mark.parametrize(("n", "population", "cautioned"), [
    (29, None, True), (30, None, False), (79, 100, True), (80, 100, False), (5, 5, False),
])
def test_sample_caution_rule(n, population, cautioned):
    assert (sample_caution(n, population) is not None) is cautioned
