"""Command-line tools: `flask --app wsgi <command>`."""
from __future__ import annotations

import sys

import click
from flask import Flask
from sqlalchemy import select

from app.core import demo, passwords, regions
from app.extensions import db
from app.models import ROLES, Unit, User


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(load_regions)
    app.cli.add_command(demo_info)
    app.cli.add_command(rebuild_skm_summary)


@click.command("seed-demo")
def seed_demo() -> None:
    """Load demo units, layanan, regions and users. Safe to run again."""
    created = demo.seed()
    db.session.commit()
    click.echo(f"Data demo siap ({created} baris baru).")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--unit", "unit_code", required=True, help="Kode unit, mis. KEMENSOS")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Baca kata sandi dari stdin (untuk skrip).")
def create_user(email: str, role: str, unit_code: str, name: str, password_stdin: bool) -> None:
    """Create a user; prompts for the password unless --password-stdin."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        raise click.BadParameter(f"unit '{unit_code}' tidak ditemukan", param_hint="--unit")
    email = User.normalise_email(email)
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise click.BadParameter(f"email '{email}' sudah terdaftar", param_hint="--email")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    problem = passwords.policy_error(password, (email, name))
    if problem:
        click.echo(problem, err=True)
        raise SystemExit(1)
    user = User(email=email, role=role, unit_id=unit.id, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Pengguna {email} ({role}, {unit.code}) dibuat.")


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
    db.session.commit()
    click.echo(f"Wilayah: {created} baru, {updated} diperbarui.")


@click.command("demo-info")
@click.option("--base-url", default="http://127.0.0.1:5000")
def demo_info(base_url: str) -> None:
    """Print the demo logins and the demo survey URL."""
    base_url = base_url.rstrip("/")
    click.echo("")
    click.echo(f"Pantau berjalan di {base_url}")
    click.echo("Akun demo (kata sandi sama untuk semua): " + demo.DEMO_PASSWORD)
    for email, role, unit_code, _name in demo.DEMO_USERS:
        click.echo(f"  {role:8} {email:24} unit {unit_code}")
    click.echo(f"Survei demo:   {base_url}/s/{demo.DEMO_SURVEY_SLUG}")
    click.echo(f"Hasil publik:  {base_url}/hasil/KEMENSOS")
    click.echo("")


@click.command("rebuild-skm-summary")
def rebuild_skm_summary() -> None:
    """Recompute the SKM summary tables from the raw responses, then verify them."""
    from app.skm import summary as skm_stats

    skm_stats.rebuild_summary()
    db.session.commit()
    if not skm_stats.summary_matches_raw():
        raise click.ClickException("Ringkasan SKM masih berbeda dari data mentah.")
    click.echo("Ringkasan SKM dibangun ulang dan cocok dengan data mentah.")
