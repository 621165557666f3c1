"""Webhook commands: `webhook add`, `webhook list` (the worker that sends them is app.core.commands' `worker`)."""
from __future__ import annotations

import click
from flask import Flask, current_app

from app.core import transaction
from app.core.cli_text import group
from app.models.webhook import EVENTS
from app.webhooks import subscriptions


def register(app: Flask) -> None:
    app.cli.add_command(webhook)


@group("webhook")
def webhook() -> None:
    """Langganan webhook."""


@webhook.command("add")
@click.option("--unit", "unit_code", required=True, help="Kode unit (berlaku juga untuk unit di bawahnya)")
@click.option("--url", required=True, help="URL http(s) penerima")
@click.option("--event", "events", required=True, multiple=True, type=click.Choice(EVENTS), help="Nama peristiwa")
def add(unit_code: str, url: str, events: tuple[str, ...]) -> None:
    """Tambah langganan; rahasia penanda tangan dicetak sekali ini saja."""
    try:
        created = subscriptions.add(unit_id=None, unit_code=unit_code, url=url, events=list(events), actor=None,
                                    production=current_app.config["PRODUCTION"])
    except subscriptions.SubscriptionInvalid as err:
        transaction.rollback()
        for messages in err.errors.values():
            for message in messages:
                click.echo(message, err=True)
        raise SystemExit(1) from None
    transaction.commit()
    click.echo(f"Langganan #{created.subscription.id} dibuat.")
    click.echo(f"Rahasia (simpan sekarang, tidak akan ditampilkan lagi): {created.secret}")


@webhook.command("list")
def list_() -> None:
    """Daftar langganan (tanpa rahasia)."""
    for row in subscriptions.every():
        state = "aktif" if row.active else "nonaktif"
        click.echo(f"#{row.id}\t{row.unit.code}\t{state}\t{row.url}\t{','.join(row.events)}")

