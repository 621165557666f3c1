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
from app.models import ROLES

HINTS = {"unit": "--unit", "email": "--email"}


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(load_regions)
    app.cli.add_command(demo_info)


@click.command("seed-demo")
def seed_demo() -> None:
    """Load demo units, layanan, regions and users, then every feature's demo rows. Safe to run again."""
    created = demo.seed()
    transaction.commit()
    click.echo(f"Data demo siap ({created} baris baru).")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--unit", "unit_code", required=True, help="Kode unit, mis. KEMENSOS")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Baca kata sandi dari stdin (untuk skrip).")
def create_user(email: str, role: str, unit_code: str, name: str, password_stdin: bool) -> None:
    """Create a user; prompts for the password unless --password-stdin."""
    try:  # a wrong unit or a taken email is told before anyone types a password
        unit_id = users.check_new_account(email=email, unit_code=unit_code)
    except records.Invalid as invalid:
        raise click.BadParameter(invalid.message, param_hint=HINTS.get(invalid.field)) from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    try:
        user = users.save(None, users.UserValues(email=email, role=role, unit_id=unit_id, name=name,
                                                 password=password), actor=None)
    except records.Invalid as invalid:
        click.echo(invalid.message, err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"Pengguna {user.email} ({role}, {user.unit.code}) dibuat.")


@click.command("load-regions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_regions(path: str) -> None:
    """Load or update provinsi / kab-kota / kecamatan from a CSV with columns code,name,level,parent_code."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            created, updated = regions.load_csv(handle)
    except regions.RegionImportError as err:
        for message in err.errors:
            click.echo(message, err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"Wilayah: {created} baru, {updated} diperbarui.")


@click.command("demo-info")
@click.option("--base-url", default="http://127.0.0.1:5000")
def demo_info(base_url: str) -> None:
    """Print the demo logins and the demo survey URL."""
    base_url = base_url.rstrip("/")
    click.echo("")
    click.echo(f"Pantau berjalan di {base_url}")
    click.echo("Akun demo (kata sandi sama untuk semua): " + admin_demo.DEMO_PASSWORD)
    for email, role, unit_code, _name in admin_demo.DEMO_USERS:
        click.echo(f"  {role:8} {email:24} unit {unit_code}")
    click.echo(f"Survei demo:   {base_url}/s/{admin_demo.DEMO_SURVEY_SLUG}")
    click.echo(f"Hasil publik:  {base_url}/hasil/KEMENSOS")
    click.echo("")
