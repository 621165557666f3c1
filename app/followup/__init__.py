"""Follow-up: rencana tindak lanjut, kritik-and-saran triage, publication records, the PEKPPP pack."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.core.scoping import register_scope, unit_clause
from app.models import Layanan, PublicationRecord, RtlAction, SkmResponse


def init_app(app: Flask) -> None:
    from app.core import reference
    from app.core.commands import add_report_command
    from app.followup import cli, evidence_files, publication, routes, triage

    app.register_blueprint(routes.bp)
    add_report_command(app, cli.report_pekppp)
    evidence_files.init_app(app)
    publication.watch_commits()
    register_scope(RtlAction, lambda user: unit_clause(RtlAction.unit_id, user))
    register_scope(SkmResponse, lambda user: SkmResponse.layanan_id.in_(
        select(Layanan.id).where(unit_clause(Layanan.unit_id, user))))
    register_scope(PublicationRecord, lambda user: unit_clause(PublicationRecord.unit_id, user))
    reference.register_default_loader(triage.ensure_default_themes)
