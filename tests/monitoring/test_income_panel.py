"""The KPM income panel on the income indicator: change in Rupiah and poverty-line movement, against R."""
from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest

from app.extensions import db
from app.indicators import compute as indicator_compute
from app.models import Indicator, PovertyLine
from app.monitoring.income_samples import save
from tests.helpers import login
from tests.monitoring_fixtures import program, region

PAIRED = json.loads((Path(__file__).parents[1] / "analysis" / "fixtures" / "paired_change.json").read_text("utf-8"))


def _nik(i: int) -> str:
    return f"32730101019{i:05d}"


def _sample(unit, i, before, after, household, monitoring=date(2025, 6, 10), intervention=date(2025, 1, 15),
            measure="pendapatan_rt"):
    save({"instance_id": uuid.uuid4(), "program_id": program("PENA").id,
          "unit_id": unit.id, "region_id": region("32.73").id, "monitor_id": None, "source": "import",
          "cohort_year": 2025, "intervention_date": intervention, "monitoring_date": monitoring,
          "household_size": household, "measure": measure, "income_before": before, "income_after": after,
          "business_status": "berjalan", "notes": None, "status": "valid"}, nik=_nik(i))


@pytest.fixture()
def panel_world(field):
    unit = field["tree"]["dayasos"]
    db.session.add(PovertyLine(province_id=region("32").id, period="2025-01", extreme_line=PAIRED["extreme_line"],
                               poverty_line=PAIRED["poverty_line"], source="uji"))
    ref = PAIRED["panels"][0]
    for i, (b, a, h) in enumerate(zip(ref["before"], ref["after"], ref["household"], strict=True)):
        _sample(unit, i, int(b), int(a), int(h))
        # an earlier eligible round of the same KPM: not the latest, so not counted
        _sample(unit, i, 1, 2, 1, monitoring=date(2025, 5, 10))
    _sample(unit, 999, 100, 5_000_000, 1, monitoring=date(2025, 2, 1))  # < 3 months after: not eligible
    ind = Indicator(unit_id=unit.id, code="PENA-1", name="KPM PENA meningkat pendapatan", source="income",
                    kind="percentage", polarity="positive", ci_method="wilson", use_fpc=True, active=True,
                    income_program="PENA", income_measure="pendapatan_rt")
    db.session.add(ind)
    db.session.commit()
    return {"indicator": ind, "ref": ref, **field}


def test_income_panel_matches_r(panel_world):
    ref = panel_world["ref"]
    r = indicator_compute.compute(panel_world["indicator"], 2025)
    panel = r.income_panel
    assert panel.n == len(ref["before"]) == r.t
    assert panel.change.mean == pytest.approx(ref["mean_change"], rel=1e-12)
    assert panel.change.median == ref["median_change"]
    assert (panel.change.low, panel.change.high) == (pytest.approx(ref["t_low"], rel=1e-10),
                                                     pytest.approx(ref["t_high"], rel=1e-10))
    for label, name in (("Garis kemiskinan ekstrem", "extreme"), ("Garis kemiskinan", "poverty")):
        pp, want = panel.lines[label], ref["lines"][name]
        assert (pp.up, pp.down, pp.both, pp.neither) == (want["up"], want["down"], want["both"], want["neither"])
        assert pp.mcnemar_p == pytest.approx(want["mcnemar_exact_p"], rel=1e-12)
        assert (pp.low, pp.high) == (pytest.approx(want["low"], abs=1e-12), pytest.approx(want["high"], abs=1e-12))
    doc = indicator_compute.realisasi_json(r)["income_panel"]
    assert doc["mean_change"] == pytest.approx(ref["mean_change"]) and doc["median_change"] == ref["median_change"]
    assert doc["lines"]["Garis kemiskinan"]["difference_ci"] == [pytest.approx(ref["lines"]["poverty"]["low"]),
                                                               pytest.approx(ref["lines"]["poverty"]["high"])]
    assert doc["lines"]["Garis kemiskinan"]["mcnemar_exact_p"] == pytest.approx(
        ref["lines"]["poverty"]["mcnemar_exact_p"])


def test_income_panel_on_the_detail_page(client, panel_world):
    ref = panel_world["ref"]
    login(client, "analis@x.id")
    page = client.get(f"/indikator/{panel_world['indicator'].id}?year=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Perubahan pendapatan KPM" in html
    mean = f"{round(ref['mean_change']):,}".replace(",", ".")
    assert f"Rp{mean}" in html and "Newcombe (1998) metode 10" in html and "McNemar eksak" in html
    assert f"{len(ref['before'])} KPM dengan nilai sebelum dan sesudah" in html


def test_omzet_panel_has_change_but_no_poverty_lines(field):
    unit = field["tree"]["dayasos"]
    for i, (b, a) in enumerate(((1_000_000, 1_200_000), (2_000_000, 1_900_000), (500_000, 800_000))):
        _sample(unit, i, b, a, 3, measure="omzet")
    ind = Indicator(unit_id=unit.id, code="OMZ", name="Omzet", source="income", kind="percentage",
                    polarity="positive", ci_method="wilson", use_fpc=True, active=True, income_program="PENA",
                    income_measure="omzet")
    db.session.add(ind)
    db.session.commit()
    r = indicator_compute.compute(ind, 2025)
    assert r.income_panel.change.mean == pytest.approx(400_000 / 3)
    assert r.income_panel.change.median == 200_000
    assert r.income_panel.lines == {} and "Omzet bukan pendapatan" in r.income_panel.notes[0]
