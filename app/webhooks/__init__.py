"""Webhooks: signed events about SKM responses, monitoring records and indicator values, sent to
URLs an admin subscribed, from a transactional outbox through a huey job queue (docs/WEBHOOKS.md)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core import jobs
    from app.webhooks import admin_routes, cli, outbox, queue, subscriptions

    app.register_blueprint(admin_routes.bp)
    cli.register(app)
    subscriptions.register_scopes()
    outbox.watch()
    jobs.register(app, queue.add_tasks)
