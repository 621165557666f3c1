"""`flask create-token`: issue an API token for a user from the terminal (shown once)."""
from __future__ import annotations

import click
from flask import Flask

from app.api import tokens
from app.core import transaction


def register(app: Flask) -> None:
    @app.cli.command("create-token")
    @click.option("--email", required=True, help="Email pemilik token.")
    @click.option("--scope", type=click.Choice(["read", "write"]), required=True,
                  help="Hak token: baca atau tulis.")
    @click.option("--expires-days", type=int, default=None, help="Masa berlaku dalam hari (opsional).")
    @click.option("--name", default="CLI", help="Nama token.")
    def create_token(email: str, scope: str, expires_days: int | None, name: str) -> None:
        """Buat token API untuk pengguna; token hanya ditampilkan sekali."""
        user = tokens.user_by_email(email)
        if user is None:
            raise click.ClickException("Pengguna tidak ditemukan.")
        try:
            issued = tokens.issue(user, name=name, scope=scope, expires_days=expires_days, actor=None)
        except tokens.TokenRefused as refused:
            raise click.ClickException(refused.message) from None
        transaction.commit()
        click.echo(issued.secret)
        click.echo("Simpan token ini sekarang; token tidak dapat ditampilkan lagi.", err=True)
