"""`flask --app wsgi report ikm`: the web exports, for scripts and scheduled jobs.

The command line has no user, so it sees every unit; access to it is access
to the server. What each format holds is decided in app.reports.downloads,
as for the web.
"""
from __future__ import annotations

import json
import sys

import click
from flask import current_app

from app.core.cli_text import command
from app.core.periods import parse_period
from app.reports import downloads, scope


def _period(text: str):
    try:
        return parse_period(text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--period") from None


def _open_out(out: str, binary: bool):
    if out == "-":
        return sys.stdout.buffer if binary else sys.stdout
    return open(out, "wb" if binary else "w", encoding=None if binary else "utf-8", newline="" if not binary else None)


@command("ikm")
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
    """Laporan IKM sebuah unit dan sub-unitnya (atau satu layanan) pada satu periode."""
    try:
        chosen = scope.for_command(unit_code, layanan_slug, region_code)
    except scope.UnknownName as err:
        raise click.BadParameter(err.message, param_hint=err.option) from None
    period = _period(period_text)
    if fmt in downloads.BINARY_FORMATS and out == "-":
        raise click.BadParameter("format biner perlu --out BERKAS", param_hint="--out")
    result = downloads.download(chosen, period, fmt, exclude_flagged=exclude_flagged,
                                instance_path=current_app.instance_path)
    if result.text is not None or result.document is not None:
        handle = _open_out(out, binary=False)
        if result.text is not None:
            for chunk in result.text:
                handle.write(chunk)
        else:
            json.dump(result.document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        if handle is not sys.stdout:
            handle.close()
        if result.text is not None:
            return
    else:
        with open(out, "wb") as handle:
            if result.content is not None:
                handle.write(result.content)
            else:
                result.write(handle)
    if out != "-":
        where = f" (Wilayah: {chosen.region.name})" if chosen.region is not None else ""
        click.echo(f"Laporan IKM {chosen.unit.code}{where} {period.label} ditulis ke {out}.", err=True)
