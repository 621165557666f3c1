"""/hasil/<unit-code>: published layanan of the unit's subtree, current year, IKM via analysis.ikm."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

from analysis.ikm import compute_ikm, rollup
from analysis.rounding import round_half_up
from app.extensions import db
from app.models import utcnow
from app.skm import submit as skm_submit


def _add(layanan, answers: dict[str, int], days_ago: int = 0) -> None:
    skm_submit.insert_ignoring_duplicate(skm_submit.row_values(
        layanan, instance_id=uuid.uuid4(), answers=answers, submitted_at=utcnow() - timedelta(days=days_ago),
        channel="web", profile={}))
    db.session.commit()


CAUTION_30 = "⚠ Sampel kecil: {n} responden (kurang dari 30); baca hasil dengan hati-hati."


def _cells(html: str, name: str) -> list[str]:
    row = re.search(rf"<tr><td>{re.escape(name)}.*?</tr>", html, re.S)
    assert row, name
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]


def test_results_show_ikm_grade_and_count_for_published_layanan(client, tree, make_layanan):
    ugb = make_layanan("izin-ugb", tree["psds"], name="Izin UGB", published=True)
    pub = make_layanan("izin-pub", tree["dayasos"], name="Izin PUB", published=True)
    hidden = make_layanan("rahasia", tree["psds"], name="Belum Dipublikasikan", published=False)
    elsewhere = make_layanan("rehab", tree["rehsos"], name="Rehabilitasi", published=True)
    good = {f"u{i}": 4 for i in range(1, 10)}
    mixed = {f"u{i}": 3 for i in range(1, 10)} | {"u8": 2}
    _add(ugb, good)
    _add(ugb, mixed)
    _add(pub, mixed)
    _add(hidden, good)
    _add(elsewhere, good)
    _add(ugb, good, days_ago=800)  # an earlier year: not in the current period

    response = client.get("/hasil/dayasos")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected_ugb = compute_ikm([{k.upper(): v for k, v in a.items()} for a in (good, mixed)])
    low, high = (format(v, ".2f").replace(".", ",") for v in expected_ugb.confidence_interval())
    assert _cells(html, "Izin UGB") == [
        "Izin UGB" + "Unit PSDS" + CAUTION_30.format(n=2), str(expected_ugb.score_display).replace(".", ","),
        f"{low} – {high}",
        # Two respondents: the interval reaches every other grade (issue 12).
        f"Mutu {expected_ugb.grade} (interval mencakup A, C dan D)", expected_ugb.performance, "2"]
    assert _cells(html, "Izin PUB")[1:] == ["72,22", "—", "Mutu C", "Kurang Baik", "1"]
    assert "Belum Dipublikasikan" not in html and "Rehabilitasi" not in html
    overall = round_half_up(rollup([(expected_ugb.score, 2), (72.22222222222223, 1)]), 2)
    assert f'<p class="code">{str(overall).replace(".", ",")}</p>' in html and "n = 3 responden" in html
    assert CAUTION_30.format(n=3) in html  # 3 respondents, N unknown: fewer than 30
    assert "Tahun " in html


def test_published_layanan_without_answers_shows_zero(client, tree, make_layanan):
    make_layanan("kosong", tree["psds"], name="Layanan Kosong", published=True)
    html = client.get("/hasil/PSDS").get_data(as_text=True)
    assert _cells(html, "Layanan Kosong") == ["Layanan Kosong", "—", "—", "—", "—", "0"]
    assert 'class="code"' not in html


def test_unknown_unit_is_404(client, tree):
    assert client.get("/hasil/TIDAKADA").status_code == 404
    assert client.get("/hasil/" + "X" * 100).status_code == 404
