"""The app's one job queue (huey): SQLite file under instance/ by default, Redis in production
(JOB_QUEUE_URL=redis://…, WEBHOOK_QUEUE_URL still read as a fallback), memory for tests.

Why one queue: one worker command (`flask --app wsgi worker`) and one place to configure consume
every background task, webhooks as well as large exports. Features add their tasks explicitly from
their `init_app` (`register(app, add_tasks)`); the huey itself is built on first use, because the
tests move instance_path after create_app, and every registered feature then adds its tasks to it.

A task that must only run once its row is committed is put in with `enqueue_after_commit`: the
call is kept on the session and made by an after_commit hook, so a rolled-back request queues
nothing. A queue that cannot be reached never fails the user's request (their change is already
committed); each feature's periodic sweep picks up what the message did not carry.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Session

EXTENSION = "jobs_queue"
REGISTRARS = "jobs_registrars"
PENDING_KEY = "jobs_after_commit"
NAME = "pantau-jobs"
log = logging.getLogger(__name__)


def queue_url(app: Flask) -> str:
    """JOB_QUEUE_URL, else the older WEBHOOK_QUEUE_URL, else '' (the SQLite file)."""
    return app.config.get("JOB_QUEUE_URL") or app.config.get("WEBHOOK_QUEUE_URL") or ""


def _storage(app: Flask) -> Huey:
    url = queue_url(app)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(NAME, url=url, results=False)
    if url == "memory://":
        return MemoryHuey(NAME, results=False)
    path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "jobs-queue.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(NAME, filename=path, results=False)


def register(app: Flask, add_tasks: Callable[[Flask, Huey], dict]) -> None:
    """Have `add_tasks(app, huey)` define a feature's tasks on the app's huey (from init_app); it
    returns them by name ({"webhooks.deliver": task}), the names `enqueue` takes."""
    registrars = app.extensions.setdefault(REGISTRARS, [])
    if add_tasks not in registrars:
        registrars.append(add_tasks)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


def get(app: Flask) -> Huey:
    """The app's huey, built with every registered feature's tasks on first use."""
    huey = app.extensions.get(EXTENSION)
    if huey is not None:
        return huey
    huey = _storage(app)
    huey.immediate = bool(app.config.get("JOB_QUEUE_IMMEDIATE", app.config.get("WEBHOOK_QUEUE_IMMEDIATE", False)))
    huey.pantau_tasks = {}
    for add_tasks in app.extensions.get(REGISTRARS, []):
        huey.pantau_tasks.update(add_tasks(app, huey))
    app.extensions[EXTENSION] = huey
    return huey


def task(app: Flask, name: str):
    """The registered task called `name` (KeyError for a name no feature registered)."""
    return get(app).pantau_tasks[name]


def enqueue(name: str, *args) -> None:
    """Queue the task `name` now (the caller's data must already be committed)."""
    app = current_app._get_current_object()
    task(app, name)(*args)


def enqueue_after_commit(session: Session, name: str, *args) -> None:
    """Queue the task `name` once `session` commits; nothing if it rolls back."""
    session.info.setdefault(PENDING_KEY, []).append((name, args))


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    for name, args in pending or ():
        try:
            enqueue(name, *args)
        except Exception:  # noqa: BLE001 - Redis down, disk full…: the feature's sweep queues it again
            log.warning("antrean tugas tidak dapat dihubungi; %s menunggu sapuan berikutnya", name, exc_info=True)


def _after_rollback(session, previous) -> None:
    if not previous.nested:
        session.info.pop(PENDING_KEY, None)


def run_worker(app: Flask, workers: int) -> None:
    """The consumer in the foreground (`flask --app wsgi worker`): every registered task, the
    periodic ones too, logging to stderr."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    consumer = get(app).create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
