"""seed-demo creates the demo indicators once, and the demo analyst sees their realisasi, target and capaian."""
import re
from collections import defaultdict

from sqlalchemy import func, select

from app.admin import demo
from app.extensions import db
from app.indicators import demo as indicator_demo
from app.models import Indicator, IndicatorTarget, Layanan, SkmResponse
from app.models.skm import UNSUR_COLUMNS
from tests.helpers import login

CODES = {"DEMO-IKM", "DEMO-PENDAMPING", "DEMO-PENA", "DEMO-IKU"}
CELL_RE = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def _rows(html: str) -> dict[str, list[str]]:
    """Indicator code -> the text of its cells on /indikator/."""
    rows = {}
    for chunk in html.split("<tr>")[1:]:
        cells = [" ".join(TAG_RE.sub(" ", c).split()) for c in CELL_RE.findall(chunk)]
        match = re.search(r">(DEMO-[A-Z]+)</a>", chunk)
        if match:
            rows[match.group(1)] = cells
    return rows


def _expected_ikm(year: int) -> float:
    """Respondent-weighted mean of each layanan's converted score, recomputed from the raw answers."""
    slugs = ("izin-ugb", "izin-pub", "pena")
    answers = defaultdict(list)
    stmt = (select(Layanan.slug, *(getattr(SkmResponse, c) for c in UNSUR_COLUMNS))
            .join(Layanan, SkmResponse.layanan_id == Layanan.id)
            .where(Layanan.slug.in_(slugs), SkmResponse.period.like(f"{year}-%")))
    for slug, *values in db.session.execute(stmt):
        answers[slug].append(values)
    scores = []
    for rows in answers.values():
        nrr = [sum(r[i] for r in rows) / len(rows) for i in range(len(UNSUR_COLUMNS))]
        scores.append((sum(nrr) / len(nrr) * 25, len(rows)))
    return sum(s * n for s, n in scores) / sum(n for _s, n in scores)


def _id(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def test_seed_demo_indicators_once_and_visible_to_the_analyst(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 baris baru" in second.output
    codes = list(db.session.scalars(select(Indicator.code).where(Indicator.code.like("DEMO-%"))))
    assert sorted(codes) == sorted(CODES)
    year = indicator_demo.demo_year()
    pena = db.session.scalar(select(Indicator).where(Indicator.code == "DEMO-PENA"))
    assert [t.revision for t in pena.targets] == ["PK Januari", "PK Agustus"]
    assert db.session.scalar(select(func.count(IndicatorTarget.id)).where(IndicatorTarget.year == year)) == 5

    assert login(client, "analis@pantau.local", demo.DEMO_PASSWORD).status_code == 302
    page = client.get(f"/indikator/?year={year}")
    assert page.status_code == 200
    rows = _rows(page.get_data(as_text=True))
    assert set(rows) == CODES
    for code, cells in rows.items():
        realisasi, interval, target, capaian = cells[4], cells[5], cells[6], cells[7]
        assert realisasi != "—" and target != "—" and capaian != "—", (code, cells)
        # Every realisasi has an interval of its own estimator, which contains it (issue 12 finding 3).
        low, high = re.fullmatch(r"(\d+,\d\d) – (\d+,\d\d)", interval).groups()
        assert float(low.replace(",", ".")) <= float(realisasi.replace(",", ".")) <= float(high.replace(",", "."))
    # Demo data: PKH checks 1 optimal of 2; PENA 1 of 2 eligible KPM increased (the third is < 3 months).
    assert rows["DEMO-PENDAMPING"][2] == "1 / 2" and rows["DEMO-PENDAMPING"][4] == "50,00"
    assert rows["DEMO-PENDAMPING"][6].startswith("91,00") and rows["DEMO-PENDAMPING"][7] == "54,95"
    assert rows["DEMO-PENA"][2] == "1 / 2" and rows["DEMO-PENA"][4] == "50,00"
    assert rows["DEMO-PENA"][6] == "80,00 PK Agustus" and rows["DEMO-PENA"][7] == "62,50"
    assert rows["DEMO-IKU"][4] == "50,00" and rows["DEMO-IKU"][7] == "58,82"
    parent = db.session.scalar(select(Indicator).where(Indicator.code == "DEMO-IKU"))
    detail = client.get(f"/indikator/{parent.id}?year={year}").get_data(as_text=True)
    assert detail.count("DEMO-PENDAMPING") == 1 and detail.count("DEMO-PENA") == 1
    # the mean's own interval (Wilson on the Kish effective n), the pooled value's, then each part's
    assert len(re.findall(r"\d+,\d\d – \d+,\d\d", detail)) == 4
    assert "Wilson pada ukuran sampel efektif (Kish)" in detail
    expected = _expected_ikm(year)
    assert rows["DEMO-IKM"][4] == _id(expected)
    assert rows["DEMO-IKM"][7] == _id(expected / 90 * 100)
