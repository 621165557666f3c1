"""The IKM report as an XLSX workbook: Ringkasan, Responden, RTL (recorded follow-up), Keterangan and Kamus sheets.

Scores are numbers shown with two decimals (the unrounded value is kept, so
sums in Excel stay exact); counts are integers; dates are date cells in the
unit's local time. Row 1 holds Indonesian labels, row 2 the machine codes,
and the Kamus sheet explains every code.
"""
from __future__ import annotations

from decimal import Decimal

from analysis.ikm import GRADES, UNSUR
from analysis.ikm import grade as grade_of
from analysis.rounding import format_id
from app.core.local_time import now_utc, to_local, zone_abbr
from app.followup import report as followup_report
from app.reports import exports
from app.reports.exports import SCORE_FORMAT, Column
from app.reports.rollup import IkmReport
from app.reports.xlsx import Sheet, write_xlsx

LEVELS = {"rollup": "Unit (tertimbang)", "pooled": "Gabungan (jumlah mentah)",
          "stratified": "Estimasi populasi (tertimbang N)", "unit": "Unit", "layanan": "Layanan"}
NRR_FORMAT = "0.000"

SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("tingkat", "Tingkat", 22),
    Column("kode", "Kode", 16),
    Column("nama", "Nama", 44),
    Column("n_respondents", "Responden (n)", 12),
    Column("score", "Nilai IKM (25–100)", 12, SCORE_FORMAT),
    Column("grade", "Mutu", 7),
    Column("performance", "Kinerja", 14),
    Column("ci_low", "Batas bawah interval 95%", 13, SCORE_FORMAT),
    Column("ci_high", "Batas atas interval 95%", 13, SCORE_FORMAT),
    *(Column(u.code, f"NRR {u.code} {u.name}", 12, NRR_FORMAT) for u in UNSUR),
    Column("population", "Populasi pengguna layanan (N)", 14),
    Column("krejcie_morgan_target", "Target sampel (Krejcie-Morgan)", 14),
)


def _grade_parts(grade):
    """(mutu, kinerja) from a grade letter or a (mutu, kinerja) pair."""
    if grade is None:
        return None, None
    if isinstance(grade, tuple):
        return grade
    return grade, next((kinerja for _low, mutu, kinerja in GRADES if mutu == grade), None)


def summary_rows(report: IkmReport) -> list[tuple]:
    codes = [u.code for u in UNSUR]

    def row(level, code, name, n, score, grade, ci, nrr, population=None, target=None):
        mutu, kinerja = _grade_parts(grade)
        return (LEVELS[level], code, name, n, score, mutu, kinerja, ci[0] if ci else None, ci[1] if ci else None,
                *(nrr.get(c) if nrr else None for c in codes), population, target)

    rows = []
    head = report.headline
    if head is not None:
        rows.append(row("rollup", report.unit.code, report.scope_label, head.n_respondents, head.score,
                        head.grade, head.ci, head.nrr, report.population, report.km_target))
        if head.pooled is not None:
            # A different estimator: the roll-up's interval is not its own, so the pooled row has none.
            rows.append(row("pooled", report.unit.code, "Gabungan dari jumlah mentah", head.pooled.n_respondents,
                            head.pooled.score, head.pooled.grade, None, head.pooled.nrr))
        if head.stratified is not None:
            value = head.stratified.value
            rows.append(row("stratified", report.unit.code, "Estimasi populasi (tertimbang N)", head.n_respondents,
                            value, grade_of(value), head.stratified_ci, None, report.population))
    for node in report.tree.walk():
        if node.n:
            rows.append(row("unit", node.code, node.name, node.n, node.score, node.grade, node.ci, None))
    for line in report.lines:
        r = line.result
        rows.append(row("layanan", line.slug, line.name, line.n, r.score if r else None,
                        r.grade if r else None, line.ci, r.nrr if r else None, line.population, line.km_target))
    return rows


def info_rows(report: IkmReport, generated_at=None) -> list[tuple]:
    flags = report.flags
    tz_name = report.unit.timezone
    generated = to_local(generated_at or now_utc(), tz_name)
    return [("Unit", f"{report.unit.code} — {report.unit.name}"),
            ("Cakupan", report.scope_label),
            ("Wilayah", report.region_label.removeprefix("Wilayah: ")),
            ("Kode wilayah", report.region.code if report.region else None),
            ("Periode", report.period.label),
            ("Kode periode", report.period.code),
            ("Respons bertanda kualitas data", flags["flagged"]),
            ("Total respons", flags["total"]),
            ("Respons bertanda dikecualikan", "ya" if report.exclude_flagged else "tidak"),
            ("Metode", "IKM unit = rata-rata IKM layanan tertimbang jumlah responden; PermenPAN-RB 14/2017"),
            ("Zona waktu", zone_abbr(tz_name)),
            ("Dibuat", generated)]


INFO_COLUMNS = (Column("keterangan", "Keterangan", 32), Column("nilai", "Nilai", 70))


def kamus_rows() -> list[tuple]:
    rows = [(c.code, None, c.label) for c in SUMMARY_COLUMNS]
    rows += [("tingkat", label, meaning) for label, meaning in (
        (LEVELS["rollup"], "nilai unit: rata-rata IKM layanan tertimbang jumlah responden (Tabel 3.29)"),
        (LEVELS["pooled"], "dihitung ulang dari seluruh jawaban mentah unit"),
        (LEVELS["unit"], "unit atau sub-unit pada pohon organisasi"),
        (LEVELS["layanan"], "satu jenis layanan"))]
    for i, (low, mutu, kinerja) in enumerate(GRADES):
        high = "100,00" if i == 0 else format_id(GRADES[i - 1][0] - Decimal("0.01"), 2)
        rows.append(("grade", mutu, f"{kinerja} ({format_id(low, 2)}–{high})"))
    return rows + exports.kamus_rows()


def write_report_xlsx(report: IkmReport, target, generated_at=None, progress=None) -> int:
    """The workbook, its Responden rows streamed from the database; `progress(rows so far)` as they pass."""
    ids = [line.id for line in report.lines]
    return write_xlsx(target, [
        Sheet("Ringkasan", SUMMARY_COLUMNS, summary_rows(report)),
        Sheet("Responden", exports.RESPONSE_COLUMNS,
              exports.counted(exports.iter_response_rows(ids, report.period, report.exclude_flagged), progress)),
        Sheet("RTL", followup_report.RTL_COLUMNS, followup_report.rtl_rows(report)),
        Sheet("Keterangan", INFO_COLUMNS, info_rows(report, generated_at), codes_row=False),
        Sheet("Kamus", exports.KAMUS_COLUMNS, kamus_rows(), codes_row=False),
    ])
