"""The monitoring imports on the command line: `flask import-pendamping|import-income|import-poverty-lines|
import-umk PATH`. They run as the server's operator (no unit limit) and read a file exactly as the admin
import page does (app.monitoring.imports); nothing is written unless every row is valid, or --valid-only."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from app.core import transaction
from app.core.cli_text import command
from app.core.tabular import TableError
from app.monitoring import imports


def _cli_import(kind: str, path: str, valid_only: bool) -> None:
    try:
        with open(path, "rb") as handle:
            report = imports.run_import(kind, handle, path, valid_only=valid_only)
    except TableError as err:
        raise click.ClickException(str(err)) from None
    for error in report.errors:
        click.echo(str(error), err=True)
    if not report.written:
        transaction.rollback()
        click.echo(f"Tidak ada yang disimpan: {len(report.errors)} kesalahan. "
                   "Perbaiki berkas atau gunakan --valid-only.", err=True)
        raise SystemExit(1)
    transaction.commit()
    click.echo(f"Impor selesai: {report.created} baru, {report.updated} diperbarui, {report.skipped} baris dilewati.")


_path = click.argument("path", metavar="BERKAS", type=click.Path(exists=True, dir_okay=False))
_valid_only = click.option("--valid-only", is_flag=True, help="Simpan baris valid saja; baris bermasalah dilewati.")


@command("import-pendamping")
@_path
@_valid_only
@with_appcontext
def import_pendamping_command(path: str, valid_only: bool) -> None:
    """Impor daftar pendamping (CSV atau XLSX).

    Kolom: identifier,name,type,unit,kabkota[,kecamatan,status,status_date].
    """
    _cli_import("pendamping", path, valid_only)


@command("import-income")
@_path
@_valid_only
@with_appcontext
def import_income_command(path: str, valid_only: bool) -> None:
    """Impor sampel pendapatan KPM lama (CSV atau XLSX)."""
    _cli_import("income", path, valid_only)


@command("import-poverty-lines")
@_path
@with_appcontext
def import_poverty_command(path: str) -> None:
    """Impor garis kemiskinan per provinsi dan periode.

    Kolom: province,period,extreme_line,poverty_line[,source,is_demo].
    """
    _cli_import("poverty", path, False)


@command("import-umk")
@_path
@with_appcontext
def import_umk_command(path: str) -> None:
    """Impor UMK per kab/kota dan tahun.

    Kolom: kabkota,year,amount[,source,is_demo].
    """
    _cli_import("umk", path, False)


def init_app(app: Flask) -> None:
    for each in (import_pendamping_command, import_income_command, import_poverty_command, import_umk_command):
        app.cli.add_command(each)
