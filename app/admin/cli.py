"""Command-line tools: `flask --app wsgi <command>` for the demo data, accounts and regions.

The command line has no signed-in user: what it writes is audited with no actor. Account
creation goes through `app.admin.users`, the same write path as the admin form.
"""
from __future__ import annotations

import sys

import click
from flask import Flask

from app.admin import demo as admin_demo
from app.admin import records, users
from app.core import demo, regions, transaction
from app.core.cli_text import command
from app.models import ROLES

HINTS = {"unit": "--unit", "email": "--email"}


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(load_regions)
    app.cli.add_command(demo_info)


@command("seed-demo")
def seed_demo() -> None:
    """Muat data demo: unit, layanan, wilayah, akun, lalu baris demo tiap fitur. Aman dijalankan ulang."""
    created = demo.seed()
    transaction.commit()
    click.echo(f"Data demo siap ({created} baris baru).")


@command("create-user")
@click.option("--email", required=True, help="Alamat email akun baru.")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)), help="Peran akun.")
@click.option("--unit", "unit_code", required=True, help="Kode unit, mis. KEMENSOS")
@click.option("--name", default="", help="Nama lengkap (opsional).")
@click.option("--password-stdin", is_flag=True, help="Baca kata sandi dari stdin (untuk skrip).")
def create_user(email: str, role: str, unit_code: str, name: str, password_stdin: bool) -> None:
    """Buat akun pengguna; kata sandi ditanyakan, kecuali dengan --password-stdin."""
    try:  # a wrong unit or a taken email is told before anyone types a password
        unit_id = users.check_new_account(email=email, unit_code=unit_code)
    except records.Invalid as invalid:
        raise click.BadParameter(invalid.message, param_hint=HINTS.get(invalid.field)) from None
    password = sys.stdin.readline().rstrip("\n") if password_stdin else _ask_password()
    try:
        user = users.save(None, users.UserValues(email=email, role=role, unit_id=unit_id, name=name,
                                                 password=password), actor=None)
    except records.Invalid as invalid:
        click.echo(invalid.message, err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"Pengguna {user.email} ({role}, {user.unit.code}) dibuat.")


def _ask_password() -> str:
    """Ask twice until both match (click's own confirmation tells a mismatch in English)."""
    while True:
        password = click.prompt("Kata sandi", hide_input=True)
        if click.prompt("Ulangi kata sandi", hide_input=True) == password:
            return password
        click.echo("Kesalahan: kedua kata sandi tidak sama, ulangi.", err=True)


@command("load-regions")
@click.argument("path", metavar="BERKAS", type=click.Path(exists=True, dir_okay=False))
def load_regions(path: str) -> None:
    """Muat atau perbarui provinsi, kab/kota, kecamatan dari CSV berkolom code,name,level,parent_code."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            created, updated = regions.load_csv(handle)
    except regions.RegionImportError as err:
        for message in err.errors:
            click.echo(message, err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"Wilayah: {created} baru, {updated} diperbarui.")


@command("demo-info")
@click.option("--base-url", default="http://127.0.0.1:5000", help="Alamat dasar Pantau.")
def demo_info(base_url: str) -> None:
    """Tampilkan akun demo dan alamat survei demo."""
    base_url = base_url.rstrip("/")
    click.echo("")
    click.echo(f"Pantau berjalan di {base_url}")
    click.echo("Akun demo (kata sandi sama untuk semua): " + admin_demo.DEMO_PASSWORD)
    for email, role, unit_code, _name in admin_demo.DEMO_USERS:
        click.echo(f"  {role:8} {email:24} unit {unit_code}")
    click.echo(f"Survei demo:   {base_url}/s/{admin_demo.DEMO_SURVEY_SLUG}")
    click.echo(f"Hasil publik:  {base_url}/hasil/KEMENSOS")
    click.echo("")
