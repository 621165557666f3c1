"""Command groups shared by several features.

`flask worker` runs the job queue's consumer (app.core.jobs) for every feature's tasks.
`flask report ...` holds one subcommand per deliverable, each owned by its feature
(reports: `ikm`; follow-up: `pekppp`; indicators: `indicators`) and added to the
group in that feature's init_app. The group itself belongs to no feature.
"""
from __future__ import annotations

import click
from flask import Flask, current_app

from app.core.cli_text import IndonesianAppGroup, command

report_group = IndonesianAppGroup("report", help="Laporan IKM dan indikator dari baris mentah.")


def add_report_command(app: Flask, command) -> None:
    """Add `command` under `flask report` (idempotent: a second create_app replaces it)."""
    report_group.add_command(command)
    app.cli.add_command(report_group)


@command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Jumlah thread pekerja")
def worker(workers: int) -> None:
    """Jalankan pekerja antrean tugas (konsumen huey) di latar depan: webhook, ekspor besar."""
    from app.core import jobs

    jobs.run_worker(current_app._get_current_object(), workers)


def add_worker_command(app: Flask) -> None:
    """`flask worker`: the one consumer of every feature's tasks (app.core.jobs)."""
    app.cli.add_command(worker)
