"""Issue 12: the report's figures carry their own intervals, cautions and comparisons, read from the summary tables.

Expected values are R survey 4.1.1 output (tests/analysis/fixtures/ikm_linearised.R) for the same rows.
"""
import csv
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from analysis.rounding import format_id
from app.core.periods import parse_period
from app.extensions import db
from app.models import ServicePopulation
from app.reports import ikm as ikm_report
from app.reports import ikm_json
from tests.report_data import insert_rows

FIXTURES = Path(__file__).parents[1] / "analysis" / "fixtures"


def _csv(name):
    with open(FIXTURES / name, newline="") as f:
        return list(csv.DictReader(f))


def _rows(dataset_file, dataset, layanan, period):
    rows = []
    for i, r in enumerate(x for x in _csv(dataset_file) if x["dataset"] == dataset):
        rows.append({
            "instance_id": uuid.uuid4(), "layanan_id": layanan.id, "period": period,
            "submitted_at": datetime(int(period[:4]), int(period[5:]), 1 + i % 27), "form_version": "skm-2017-v1",
            "channel": "import", "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
            **{f"u{k}": int(r[f"u{k}"]) if r[f"u{k}"] else None for k in range(1, 10)},
        })
    return insert_rows(rows)


@pytest.fixture()
def strata(tree, make_layanan):
    a = make_layanan("lay-a", tree["psds"], name="Layanan A")
    b = make_layanan("lay-b", tree["psds"], name="Layanan B")
    _rows("ikm_rollup_data.csv", "A", a, "2025-02")
    _rows("ikm_rollup_data.csv", "B", b, "2025-04")
    return {"a": a, "b": b, **tree}


def _expected(fpc):
    return {r["estimate"]: r for r in _csv("ikm_rollup_expected.csv") if r["fpc"] == ("TRUE" if fpc else "FALSE")}


def test_headline_interval_is_the_rollups_own_not_the_pooled_one(strata):
    report = ikm_report.build_report(strata["psds"], parse_period("2025"))
    r = _expected(False)
    head = report.headline
    assert head.score == pytest.approx(float(r["ministry"]["value"]), rel=1e-12)
    assert head.estimate.se == pytest.approx(float(r["ministry"]["se"]), rel=1e-9)
    assert head.ci == pytest.approx((float(r["ministry"]["lower"]), float(r["ministry"]["upper"])), rel=1e-9)
    assert head.stratified is None  # N unknown: no population-weighted estimate
    lines = {line.slug: line for line in report.lines}
    assert lines["lay-a"].estimate.se == pytest.approx(float(r["layanan_A"]["se"]), rel=1e-9)
    # The pooled score is a different estimator: shown, labelled, without an interval.
    data = ikm_json.report_json(report)
    assert data["pooled"]["ci"] is None and data["units"]["pooled"]["ci"] is None
    assert data["rollup"]["ci"] == pytest.approx(list(head.ci), rel=1e-12)
    assert data["units"]["ci"] == pytest.approx(list(head.ci), rel=1e-12)  # the root node is the headline


def test_with_every_n_known_the_stratified_estimate_is_shown_beside_it(strata):
    db.session.add_all([ServicePopulation(layanan_id=strata["a"].id, period="2025", population=100_000),
                        ServicePopulation(layanan_id=strata["b"].id, period="2025", population=200)])
    db.session.commit()
    report = ikm_report.build_report(strata["psds"], parse_period("2025"))
    r = _expected(True)
    head = report.headline
    assert head.estimate.se == pytest.approx(float(r["ministry"]["se"]), rel=1e-9)
    assert head.ci == pytest.approx((float(r["ministry"]["lower"]), float(r["ministry"]["upper"])), rel=1e-9)
    assert head.stratified.value == pytest.approx(float(r["population"]["value"]), rel=1e-12)
    assert head.stratified_ci == pytest.approx((float(r["population"]["lower"]), float(r["population"]["upper"])),
                                               rel=1e-9)
    # As in the issue: the population estimate lies outside the ministry roll-up's interval.
    assert head.stratified.value < head.ci[0]
    data = ikm_json.report_json(report)["rollup"]
    assert data["stratified"]["method"].startswith("population-weighted")
    assert data["stratified"]["ci"] == pytest.approx(list(head.stratified_ci), rel=1e-12)
    assert data["method"].startswith("respondent-weighted")


def test_one_layanan_without_n_leaves_no_stratified_estimate(strata):
    db.session.add(ServicePopulation(layanan_id=strata["a"].id, period="2025", population=100_000))
    db.session.commit()
    report = ikm_report.build_report(strata["psds"], parse_period("2025"))
    assert report.headline.stratified is None
    assert ikm_json.report_json(report)["rollup"]["stratified"] is None


def test_layanan_ranking_holm_and_difference_equal_r(strata):
    report = ikm_report.build_report(strata["psds"], parse_period("2025"))
    row = next(r for r in _csv("ikm_compare_expected.csv") if r["first"] == "A" and r["fpc"] == "FALSE")
    assert report.ranking.order == ["lay-b", "lay-a"]
    (pair,) = report.ranking.pairs
    assert pair.difference.difference == pytest.approx(-float(row["difference"]), rel=1e-12)
    assert pair.difference.df == pytest.approx(float(row["df"]), rel=1e-9)
    assert pair.p_holm == pytest.approx(float(row["p"]), rel=1e-6) and pair.significant
    ranking = ikm_json.report_json(report)["comparisons"]["layanan_ranking"]
    assert ranking["correction"] == "holm" and ranking["pairs"][0]["significant"] is True


def test_period_against_period_equals_r(tree, make_layanan):
    x = make_layanan("lay-x", tree["rehsos"])
    _rows("ikm_linearised_data.csv", "miss20", x, "2025-03")
    _rows("ikm_linearised_data.csv", "miss60", x, "2024-03")
    row = next(r for r in _csv("ikm_compare_expected.csv") if r["first"] == "miss20" and r["fpc"] == "FALSE")
    report = ikm_report.build_report(tree["rehsos"], parse_period("2025"))
    (vs_last,) = report.comparisons  # a year has no "same period last year" beside the previous one
    assert vs_last.period_code == "2024"
    d = vs_last.difference
    assert d.difference == pytest.approx(float(row["difference"]), rel=1e-12)
    assert (d.low, d.high) == pytest.approx((float(row["lower"]), float(row["upper"])), rel=1e-9)
    assert d.p_value == pytest.approx(float(row["p"]), rel=1e-9) and not d.significant
    assert set(vs_last.unsur) == {f"U{k}" for k in range(1, 10)}
    quarter = ikm_report.build_report(tree["rehsos"], parse_period("2025-Q1"))
    assert [c.period_code for c in quarter.comparisons] == ["2024-Q1"]  # 2024-Q4 is empty
    data = ikm_json.report_json(quarter)["comparisons"]["periods"][0]
    assert data["p_value"] == pytest.approx(float(row["p"]), rel=1e-9) and data["significant"] is False


def test_cautions_grade_and_small_sample(tree, make_layanan):
    x = make_layanan("lay-x", tree["rehsos"])
    _rows("ikm_linearised_data.csv", "six", x, "2025-03")
    report = ikm_report.build_report(tree["rehsos"], parse_period("2025"))
    line = report.lines[0]
    assert line.caution.grade_label == "Mutu B (interval mencakup A dan C)"
    assert line.caution.sample_note == "sampel belum memadai"  # 6 < 30 with N unknown
    assert report.headline.caution.grade_label == "Mutu B (interval mencakup A dan C)"
    data = ikm_json.report_json(report)
    assert data["rollup"]["sample_note"] == "sampel belum memadai"
    assert data["layanan"][0]["grade_label"] == "Mutu B (interval mencakup A dan C)"
    assert data["layanan"][0]["se"] == pytest.approx(6.63576945154001, rel=1e-9)
    db.session.add(ServicePopulation(layanan_id=x.id, period="2025", population=6))
    db.session.commit()
    census = ikm_report.build_report(tree["rehsos"], parse_period("2025"))
    assert census.lines[0].ci == (census.lines[0].result.score,) * 2  # a census: the interval is a point
    assert census.lines[0].caution.grade_label == "Mutu B" and census.lines[0].caution.sample_adequate


def _with_populations(strata):
    db.session.add_all([ServicePopulation(layanan_id=strata["a"].id, period="2025", population=100_000),
                        ServicePopulation(layanan_id=strata["b"].id, period="2025", population=200)])
    db.session.commit()


def test_dashboard_shows_both_estimates_cautions_and_comparisons(client, strata, make_user):
    from tests.helpers import login

    _with_populations(strata)
    x = strata["a"]
    _rows("ikm_linearised_data.csv", "miss20", x, "2024-03")  # last year, for the period comparison
    make_user("analis@x.id", "analyst", strata["root"])
    login(client, "analis@x.id")
    page = client.get(f"/laporan/?period=2025&unit={strata['psds'].id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    report = ikm_report.build_report(strata["psds"], parse_period("2025"))
    head = report.headline
    assert "Estimasi populasi (tertimbang N)" in html
    assert format_id(head.stratified.value, 2) in html and format_id(head.stratified_ci[0], 2) in html
    assert head.caution.grade_label in html
    assert "milik nilai di samping" in html and "dari sebaran rata-rata per responden" not in html
    assert "Perbandingan" in html and "Peringkat layanan" in html and "berbeda nyata" in html
    assert "Tahun 2024 (dibanding periode sebelumnya)" in html
    assert "style=" not in html


def test_pdf_and_spreadsheet_rows_carry_the_figures_own_intervals(client, strata):
    import io

    from pypdf import PdfReader

    from app.reports import pdf_report
    from app.reports.workbook import LEVELS, summary_rows

    _with_populations(strata)
    report = ikm_report.build_report(strata["psds"], parse_period("2025"))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_report.render_pdf(report))).pages)
    for needle in ("Mutu menurut interval", report.headline.caution.grade_label, "Estimasi populasi",
                   format_id(report.headline.stratified.value, 2), "Perbandingan", "Peringkat", "berbeda nyata",
                   "Nilai pooled adalah penduga lain"):
        assert needle in text.replace("\n", " "), needle
    rows = summary_rows(report)
    by_level = {next(code for code, label in LEVELS.items() if label == row[0]): row for row in rows}
    assert by_level["pooled"][7:9] == (None, None)  # no borrowed interval on the pooled figure
    assert by_level["rollup"][7:9] == report.headline.ci
    assert by_level["stratified"][7:9] == report.headline.stratified_ci
    assert by_level["unit"][7:9] == report.tree.ci


def test_public_page_shows_grade_caution_and_interval(client, strata):
    from app.models import Layanan

    _with_populations(strata)
    for layanan in db.session.query(Layanan):
        layanan.published = True
    db.session.commit()
    # The public page covers the current year; move the fixture rows there.
    from sqlalchemy import update

    from app.core.periods import current_period
    from app.models import SkmResponse

    year = current_period("Asia/Jakarta", "year").year
    db.session.execute(update(SkmResponse).values(period=f"{year}-02"))
    db.session.add_all([ServicePopulation(layanan_id=strata["a"].id, period=str(year), population=100_000),
                        ServicePopulation(layanan_id=strata["b"].id, period=str(year), population=200)])
    db.session.commit()
    html = client.get("/hasil/PSDS").get_data(as_text=True)
    report = ikm_report.build_report(strata["psds"], parse_period(str(year)))
    assert report.headline.caution.grade_label in html
    assert f"{format_id(report.headline.ci[0], 2)} – {format_id(report.headline.ci[1], 2)}" in html
    for line in report.lines:
        assert line.caution.grade_label in html
