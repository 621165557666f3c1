"""`flask --app wsgi report pekppp`: the PEKPPP evidence pack the web page offers, for scripts and scheduled jobs.

The command line has no user, so it sees every unit; access to it is access
to the server. init_app adds the command to the shared `report` group.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.cli_text import command
from app.core.periods import parse_period
from app.followup import pekppp_pack


@command("pekppp")
@click.option("--unit", "unit_code", required=True, help="Kode unit (termasuk sub-unitnya).")
@click.option("--period", "period_text", required=True, help="2025, 2025-S1, 2025-Q1 atau 2025-03.")
@click.option("--out", required=True, help="Berkas ZIP keluaran.")
@with_appcontext
def report_pekppp(unit_code: str, period_text: str, out: str) -> None:
    """Berkas bukti PEKPPP (ZIP): Laporan Hasil SKM, data, status RTL, catatan publikasi, dan lembar sampul."""
    try:
        period = parse_period(period_text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--period") from None
    try:
        unit, data = pekppp_pack.build_pack_for_code(unit_code, period, current_app.instance_path)
    except pekppp_pack.UnknownUnit:
        raise click.BadParameter(f"unit '{unit_code}' tidak ditemukan", param_hint="--unit") from None
    with open(out, "wb") as handle:
        handle.write(data)
    click.echo(f"Berkas bukti PEKPPP {unit.code} {period.label} ditulis ke {out}.", err=True)
