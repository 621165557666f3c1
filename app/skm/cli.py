"""SKM commands: `flask --app wsgi import-skm FILE --layanan SLUG` and `rebuild-skm-summary`.

Each command parses its arguments, calls one service and owns the transaction.
"""
from __future__ import annotations

import click
from flask import Flask

from app.core import transaction
from app.core.cli_text import command
from app.skm import imports, layanan, summary


def register(app: Flask) -> None:
    app.cli.add_command(import_skm)
    app.cli.add_command(rebuild_skm_summary)


@command("import-skm")
@click.argument("path", metavar="BERKAS", type=click.Path(exists=True, dir_okay=False))
@click.option("--layanan", "slug", required=True, help="Slug layanan, mis. izin-ugb")
def import_skm(path: str, slug: str) -> None:
    """Impor jawaban SKM lama dari CSV (semua atau tidak sama sekali; impor ulang tidak menambah apa pun).

    Kolom: tanggal,u1..u9, lalu bila ada instance_id, jenis_kelamin, usia, pendidikan,
    pekerjaan, unsur_responden, tanggal_layanan, kritik_saran.
    """
    target = layanan.by_slug(slug)
    if target is None:
        raise click.BadParameter(f"layanan '{slug}' tidak ditemukan", param_hint="--layanan")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            result = imports.import_csv(handle, target)
    except UnicodeDecodeError:
        transaction.rollback()
        click.echo("Berkas harus berupa teks UTF-8 (simpan ulang sebagai CSV UTF-8).", err=True)
        raise SystemExit(1) from None
    except imports.SkmImportError as err:
        transaction.rollback()
        for message in err.errors:
            click.echo(message, err=True)
        click.echo(f"Tidak ada yang diimpor: {len(err.errors)} kesalahan.", err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"SKM {target.slug}: {result.rows} baris valid, {result.created} baru, "
               f"{result.existing} sudah ada sebelumnya.")


@command("rebuild-skm-summary")
def rebuild_skm_summary() -> None:
    """Hitung ulang tabel ringkasan SKM dari respons mentah, lalu periksa kecocokannya."""
    matches = summary.rebuild_and_verify()
    transaction.commit()
    if not matches:
        raise click.ClickException("Ringkasan SKM masih berbeda dari data mentah.")
    click.echo("Ringkasan SKM dibangun ulang dan cocok dengan data mentah.")
