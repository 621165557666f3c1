"""`flask --app wsgi report ikm`: the web exports, for scripts and scheduled jobs.

The command line has no user, so it sees every unit; access to it is access
to the server.
"""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from sqlalchemy import select

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


@click.command("ikm")
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
    from app.reports import exports, pdf_report, unit_logo
    from app.reports import ikm as ikm_report
    from app.reports.workbook import write_report_xlsx

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
