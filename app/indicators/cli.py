"""`flask --app wsgi load-indicators FILE` and `flask --app wsgi report indicators`.

The command line has no user, so it sees every unit; access to it is access
to the server. Each command parses its options, calls one service and owns
the transaction.
"""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from app.core import transaction
from app.core.cli_text import command
from app.indicators import compute, loader


@command("indicators")
@click.option("--unit", "unit_code", required=True, help="Kode unit (termasuk sub-unitnya).")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Tahun laporan.")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", help="Format keluaran.")
@click.option("--out", default="-", help="Berkas keluaran; '-' untuk stdout.")
@with_appcontext
def report_indicators(unit_code: str, year: int, fmt: str, out: str) -> None:
    """Realisasi, interval, target, dan capaian setiap indikator aktif di sebuah unit dan sub-unitnya."""
    try:
        doc = compute.unit_report(unit_code, year)
    except LookupError as err:
        raise click.BadParameter(str(err), param_hint="--unit") from None
    handle = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
    json.dump(doc, handle, ensure_ascii=False, indent=2)
    handle.write("\n")
    if handle is not sys.stdout:
        handle.close()


@command("load-indicators")
@click.argument("path", metavar="BERKAS", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_indicators(path: str) -> None:
    """Muat definisi indikator (beserta target dan nilai manual) dari berkas JSON; semua atau tidak sama sekali."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            items = json.load(handle)
    except (OSError, ValueError) as err:
        raise click.ClickException(f"Berkas tidak dapat dibaca sebagai JSON: {err}") from None
    try:
        created, updated = loader.load(items)
    except loader.IndicatorLoadError as err:
        transaction.rollback()
        for message in err.errors:
            click.echo(message, err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"Indikator: {created} baru, {updated} diperbarui.")
