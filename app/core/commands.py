"""Command groups shared by several features.

`flask report ...` holds one subcommand per deliverable, each owned by its feature
(reports: `ikm`; follow-up: `pekppp`; indicators: `indicators`) and added to the
group in that feature's init_app. The group itself belongs to no feature.
"""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

report_group = AppGroup("report", help="Laporan IKM dan indikator dari baris mentah.")


def add_report_command(app: Flask, command) -> None:
    """Add `command` under `flask report` (idempotent: a second create_app replaces it)."""
    report_group.add_command(command)
    app.cli.add_command(report_group)
