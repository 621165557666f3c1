"""`flask --app wsgi report ikm|pekppp|indicators`: the web exports, for scripts and scheduled jobs.

The command line has no user, so it sees every unit; access to it is access
to the server.
"""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.core.commands import report_group
from app.core.periods import parse_period
from app.extensions import db
from app.models import Layanan, Region, Unit


def _unit(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise click.BadParameter(f"unit '{code}' tidak ditemukan", param_hint="--unit")
    return unit


def _region(code: str | None) -> Region | None:
    if code is None or not code.strip():
        return None
    region = db.session.scalar(select(Region).where(Region.code == code.strip()))
    if region is None:
        raise click.BadParameter(f"wilayah '{code}' tidak ditemukan", param_hint="--region")
    return region


def _period(text: str):
    try:
        return parse_period(text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--period") from None


def _open_out(out: str, binary: bool):
    if out == "-":
        return sys.stdout.buffer if binary else sys.stdout
    return open(out, "wb" if binary else "w", encoding=None if binary else "utf-8", newline="" if not binary else None)


@report_group.command("ikm")
@click.option("--unit", "unit_code", required=True, help="Kode unit, mis. DAYASOS (termasuk sub-unitnya).")
@click.option("--period", "period_text", required=True, help="2025, 2025-S1, 2025-Q1 atau 2025-03.")
@click.option("--layanan", "layanan_slug", default=None, help="Slug satu layanan di unit itu (opsional).")
@click.option("--region", "region_code", default=None,
              help="Kode wilayah BPS, mis. 32 atau 32.73: hanya layanan di wilayah itu dan sub-wilayahnya (opsional).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "laporan-skm", "csv", "csv-id", "xlsx", "json"]),
              help="pdf = laporan ringkas; laporan-skm = Laporan Hasil SKM (struktur PermenPAN-RB 14/2017); "
                   "csv-id = CSV untuk Excel berbahasa Indonesia (titik koma, desimal koma).", default="json")
@click.option("--out", default="-", help="Berkas keluaran; '-' untuk stdout (json/csv/csv-id).")
@click.option("--exclude-flagged", is_flag=True, help="Kecualikan respons bertanda kualitas data.")
def report_ikm(unit_code: str, period_text: str, layanan_slug: str | None, region_code: str | None, fmt: str,
               out: str, exclude_flagged: bool) -> None:
    """IKM report for a unit subtree (or one layanan) and period."""
    from app.core.scoping import unit_subtree_ids
    from app.services import exports, ikm_report, pdf_report, unit_logo
    from app.services.report_workbook import write_report_xlsx

    unit = _unit(unit_code)
    period = _period(period_text)
    region = _region(region_code)
    layanan = None
    if layanan_slug:
        layanan = db.session.scalar(select(Layanan).where(
            Layanan.slug == layanan_slug.strip().lower(), Layanan.unit_id.in_(unit_subtree_ids(unit.id))))
        if layanan is None:
            raise click.BadParameter(f"layanan '{layanan_slug}' tidak ada di unit {unit.code}",
                                     param_hint="--layanan")
        unit = layanan.unit
    if fmt in ("pdf", "laporan-skm", "xlsx") and out == "-":
        raise click.BadParameter("format biner perlu --out BERKAS", param_hint="--out")
    if fmt in exports.CSV_FORMATS:
        ids = ikm_report.report_layanan_ids(unit, layanan, region)
        handle = _open_out(out, binary=False)
        for chunk in exports.response_csv_chunks(ids, period, exclude_flagged, fmt):
            handle.write(chunk)
        if handle is not sys.stdout:
            handle.close()
        return
    report = ikm_report.build_report(unit, period, layanan, exclude_flagged, region=region)
    if fmt == "json":
        handle = _open_out(out, binary=False)
        json.dump(ikm_report.report_json(report), handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        if handle is not sys.stdout:
            handle.close()
    elif fmt in pdf_report.RENDERERS:
        logo = unit_logo.path_for(report.unit.logo_file, current_app.instance_path)
        with open(out, "wb") as handle:
            handle.write(pdf_report.RENDERERS[fmt](report, logo_path=logo))
    else:
        with open(out, "wb") as handle:
            write_report_xlsx(report, handle)
    if out != "-":
        where = f" (Wilayah: {region.name})" if region is not None else ""
        click.echo(f"Laporan IKM {unit.code}{where} {period.label} ditulis ke {out}.", err=True)


@report_group.command("pekppp")
@click.option("--unit", "unit_code", required=True, help="Kode unit (termasuk sub-unitnya).")
@click.option("--period", "period_text", required=True, help="2025, 2025-S1, 2025-Q1 atau 2025-03.")
@click.option("--out", required=True, help="Berkas ZIP keluaran.")
def report_pekppp(unit_code: str, period_text: str, out: str) -> None:
    """PEKPPP evidence pack (ZIP): Laporan Hasil SKM, data, RTL status, publication log and a cover sheet."""
    from app.services import pekppp_pack

    unit = _unit(unit_code)
    period = _period(period_text)
    data = pekppp_pack.build_pack(unit, period, current_app.instance_path)
    with open(out, "wb") as handle:
        handle.write(data)
    click.echo(f"Berkas bukti PEKPPP {unit.code} {period.label} ditulis ke {out}.", err=True)


@report_group.command("indicators")
@click.option("--unit", "unit_code", required=True, help="Kode unit (termasuk sub-unitnya).")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json")
@click.option("--out", default="-", help="Berkas keluaran; '-' untuk stdout.")
def report_indicators(unit_code: str, year: int, fmt: str, out: str) -> None:
    """Realisasi, interval, target and capaian of every active indicator in a unit subtree."""
    from app.core.scoping import unit_subtree_ids
    from app.models import Indicator
    from app.services import indicator_compute

    unit = _unit(unit_code)
    indicators = db.session.scalars(select(Indicator).join(Indicator.unit).where(
        Indicator.unit_id.in_(unit_subtree_ids(unit.id)), Indicator.active.is_(True)).order_by(Unit.code,
                                                                                              Indicator.code))
    doc = {"unit": unit.code, "year": year,
           "indicators": [indicator_compute.realisasi_json(indicator_compute.compute(i, year)) for i in indicators]}
    handle = _open_out(out, binary=False)
    json.dump(doc, handle, ensure_ascii=False, indent=2)
    handle.write("\n")
    if handle is not sys.stdout:
        handle.close()


@click.command("load-indicators")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_indicators(path: str) -> None:
    """Load indicator definitions (with targets and manual values) from a JSON file; all or nothing."""
    from app.services import indicator_loader

    try:
        with open(path, encoding="utf-8-sig") as handle:
            items = json.load(handle)
    except (OSError, ValueError) as err:
        raise click.ClickException(f"Berkas tidak dapat dibaca sebagai JSON: {err}") from None
    try:
        created, updated = indicator_loader.load(items)
    except indicator_loader.IndicatorLoadError as err:
        db.session.rollback()
        for message in err.errors:
            click.echo(message, err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Indikator: {created} baru, {updated} diperbarui.")
