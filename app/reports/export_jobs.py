"""Large exports as queued jobs (issue 15): a CSV or XLSX of more than EXPORT_QUEUE_THRESHOLD responses
is written by the worker, not inside the request, and downloaded from its job page when done.

Why: a national export of hundreds of thousands of rows takes longer than a request may wait, and a
proxy's timeout would cut it off (the complaint about Kobo, kpi#1757). The request only counts the
rows from the summary tables (no scan of skm_response), records an `export_job` row and queues
`exports.run` after the commit. The worker writes the file with the very code of the inline
download (app.reports.downloads: CSV chunks, or COPY on PostgreSQL; openpyxl write-only for XLSX),
streaming, into a `.part` file renamed when complete, and records progress every PROGRESS_EVERY
rows on its own connection in short transactions, so the page can show it while the export's own
read is still open.

The row, not the queue message, is the truth, as for webhooks: `exports.sweep` queues again a job
whose message was lost, marks `gagal` a job whose worker died (no progress for STALE_AFTER), and
deletes files older than EXPORT_KEEP_DAYS.
"""
from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask
from huey import Huey, crontab
from sqlalchemy import func, select, true, update

from app.core import jobs, report_db, transaction
from app.core.periods import Period, parse_period
from app.core.scoping import get_scoped_or_404, scoped, unit_clause
from app.extensions import db
from app.models import ExportJob, SkmSummary, User, utcnow
from app.models.export_job import ACTIVE_STATUS
from app.reports import downloads
from app.reports.scope import ReportScope, report_scope
from app.skm import summary as skm_stats

RUN = "exports.run"
SWEEP = "exports.sweep"
FOLDER = "exports"  # under the instance folder
PROGRESS_EVERY = 5000  # rows between two progress writes
REQUEUE_AFTER = timedelta(minutes=10)  # a queued job no worker took: its message is sent again
STALE_AFTER = timedelta(minutes=30)  # a running job without progress this long: its worker died
FAILED = "Ekspor gagal karena kesalahan di server. Silakan coba lagi; bila tetap gagal, hubungi admin."
DIED = "Pekerja ekspor berhenti sebelum selesai (mis. server dimulai ulang). Silakan coba lagi."
STATUS_LABELS = {"antri": "Dalam antrean", "berjalan": "Sedang dibuat", "selesai": "Selesai", "gagal": "Gagal"}
log = logging.getLogger(__name__)


class TooManyJobs(Exception):
    def __init__(self, limit: int):
        self.message = (f"Anda sudah memiliki {limit} ekspor yang sedang diantrekan atau dibuat. "
                        "Tunggu sampai salah satunya selesai, lalu minta lagi.")
        super().__init__(self.message)


class NotRetryable(Exception):
    message = "Hanya ekspor yang gagal yang dapat diulang."


def register_scope_for_jobs() -> None:
    """A job is seen by the user who asked, and by an admin of its unit's subtree; nobody else (404)."""
    from app.core.scoping import register_scope

    register_scope(ExportJob, lambda user: unit_clause(ExportJob.unit_id, user) & (
        true() if user.role == "admin" else ExportJob.user_id == user.id))


def row_count(layanan_ids: list[int], period: Period, exclude_flagged: bool) -> int:
    """How many responses the export holds, from skm_summary (kept equal to skm_response by trigger)."""
    if not layanan_ids:
        return 0
    stmt = select(func.coalesce(func.sum(SkmSummary.n), 0)).where(
        *skm_stats.summary_filter(SkmSummary, layanan_ids, period, exclude_flagged))
    return int(report_db.execute(stmt).scalar() or 0)


def active_count(user: User) -> int:
    return db.session.scalar(select(func.count(ExportJob.id)).where(
        ExportJob.user_id == user.id, ExportJob.status.in_(ACTIVE_STATUS))) or 0


def queue_if_large(user: User, chosen: ReportScope, period: Period, fmt: str, *, exclude_flagged: bool,
                   threshold: int, max_active: int) -> ExportJob | None:
    """An export job when `fmt` is a response-level format and the export exceeds `threshold` rows
    (queued after the commit); None when it is small enough to stream inline. TooManyJobs when
    `user` already has `max_active` jobs waiting or running."""
    if fmt not in downloads.ROW_FORMATS:
        return None
    total = row_count(chosen.layanan_ids, period, exclude_flagged)
    if total <= threshold:
        return None
    if active_count(user) >= max_active:
        raise TooManyJobs(max_active)
    now = utcnow()
    job = ExportJob(user_id=user.id, unit_id=chosen.unit.id, layanan_id=chosen.layanan.id if chosen.layanan else None,
                    region_id=chosen.region.id if chosen.region else None, period=period.code, format=fmt,
                    exclude_flagged=exclude_flagged, status="antri", rows_done=0, rows_total=total,
                    filename=downloads.row_filename(chosen, period, fmt), created_at=now, updated_at=now)
    db.session.add(job)
    db.session.flush()
    jobs.enqueue_after_commit(db.session, RUN, job.id)
    return job


def get(job_id: int, user: User) -> ExportJob:
    """The job if `user` may see it; 404 otherwise."""
    return get_scoped_or_404(ExportJob, job_id, user)


def recent(user: User, limit: int = 10) -> list[ExportJob]:
    """The user's own latest jobs, newest first."""
    return list(db.session.scalars(scoped(ExportJob, user).where(ExportJob.user_id == user.id)
                                   .order_by(ExportJob.id.desc()).limit(limit)))


def retry(job_id: int, user: User, *, max_active: int) -> ExportJob:
    """Queue a failed job again (after the commit), from zero."""
    job = get(job_id, user)
    if job.status != "gagal":
        raise NotRetryable
    if active_count(job.user) >= max_active:
        raise TooManyJobs(max_active)
    job.status, job.rows_done, job.error, job.file_path, job.finished_at = "antri", 0, None, None, None
    job.updated_at = utcnow()
    db.session.flush()
    jobs.enqueue_after_commit(db.session, RUN, job.id)
    return job


def file_for(job_id: int, user: User, instance_path: str) -> tuple[ExportJob, Path] | None:
    """The finished job's file, or None (not finished, or deleted after EXPORT_KEEP_DAYS)."""
    job = get(job_id, user)
    if job.status != "selesai" or not job.file_path:
        return None
    path = folder(instance_path) / job.file_path
    return (job, path) if path.is_file() else None


def folder(instance_path: str) -> Path:
    return Path(instance_path) / FOLDER


# ---- the worker's side ------------------------------------------------------------------

def claim(job_id: int) -> bool:
    """antri → berjalan in one conditional UPDATE: of two messages for one job (the sweep's and the
    original), exactly one runs it."""
    result = db.session.execute(
        update(ExportJob).where(ExportJob.id == job_id, ExportJob.status == "antri")
        .values(status="berjalan", rows_done=0, updated_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


class Progress:
    """Records rows done on its own connection, each write its own short transaction: the export's
    read (a server-side cursor on the session) stays open meanwhile."""

    def __init__(self, job_id: int, every: int | None = None):
        self.job_id, self.every, self.done, self._saved = job_id, every or PROGRESS_EVERY, 0, 0

    def __call__(self, done: int) -> None:
        self.done = done
        if done - self._saved >= self.every:
            self.save()

    def save(self) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(ExportJob).where(ExportJob.id == self.job_id)
                               .values(rows_done=self.done, updated_at=utcnow()))
        self._saved = self.done


def write(job_id: int, instance_path: str) -> ExportJob:
    """Write the claimed job's file (streaming, the inline download's code) and mark it selesai."""
    job = db.session.get(ExportJob, job_id, populate_existing=True)
    progress = Progress(job_id)
    result = downloads.download(report_scope(job.unit, job.layanan, job.region), parse_period(job.period),
                                job.format, exclude_flagged=job.exclude_flagged, instance_path=instance_path,
                                progress=progress)
    target = folder(instance_path)
    target.mkdir(parents=True, exist_ok=True)
    name = f"{job.id}-{secrets.token_hex(8)}{Path(job.filename).suffix}"
    part = target / f"{name}.part"
    try:
        with open(part, "wb") as handle:
            if result.text is not None:
                for chunk in result.text:
                    handle.write(chunk.encode("utf-8"))
            else:
                result.write(handle)
        os.replace(part, target / name)  # complete or absent: never a half-written download
    finally:
        part.unlink(missing_ok=True)
    now = utcnow()
    job.status, job.file_path, job.rows_done, job.rows_total = "selesai", name, progress.done, progress.done
    job.finished_at = job.updated_at = now
    db.session.flush()
    return job


def mark_failed(job_id: int, message: str) -> None:
    db.session.execute(update(ExportJob).where(ExportJob.id == job_id)
                       .values(status="gagal", error=message, finished_at=utcnow(), updated_at=utcnow()))


def run(app: Flask, job_id: int) -> str | None:
    """The task: claim, write, record the outcome; a failure is logged and shown on the job page."""
    with app.app_context():
        claimed = claim(job_id)
        transaction.commit()
        if not claimed:
            return None
        try:
            write(job_id, app.instance_path)
            transaction.commit()
            return "selesai"
        except Exception:
            transaction.rollback()
            log.exception("ekspor #%s gagal", job_id)
            mark_failed(job_id, FAILED)
            transaction.commit()
            return "gagal"


def sweep(app: Flask) -> dict[str, int]:
    """Queue again what no worker took, fail what a dead worker left, delete files past their days."""
    with app.app_context():
        now = utcnow()
        lost = list(db.session.scalars(select(ExportJob.id).where(
            ExportJob.status == "antri", ExportJob.updated_at < now - REQUEUE_AFTER)))
        if lost:
            db.session.execute(update(ExportJob).where(ExportJob.id.in_(lost)).values(updated_at=now))
        stale = list(db.session.scalars(select(ExportJob.id).where(
            ExportJob.status == "berjalan", ExportJob.updated_at < now - STALE_AFTER)))
        for job_id in stale:
            mark_failed(job_id, DIED)
        keep = timedelta(days=int(app.config.get("EXPORT_KEEP_DAYS", 7)))
        expired = list(db.session.scalars(select(ExportJob).where(
            ExportJob.file_path.is_not(None), ExportJob.finished_at < now - keep)))
        for job in expired:
            (folder(app.instance_path) / job.file_path).unlink(missing_ok=True)
            job.file_path = None
        transaction.commit()
        for job_id in lost:
            jobs.enqueue(RUN, job_id)
        dead = {str(job_id) for job_id in stale}
        for part in folder(app.instance_path).glob("*.part"):  # what the dead workers left half-written
            if part.name.split("-", 1)[0] in dead:
                part.unlink(missing_ok=True)
    return {"requeued": len(lost), "failed": len(stale), "deleted": len(expired)}


def add_tasks(app: Flask, huey: Huey) -> dict:
    """The export tasks (registered from the reports' init_app through app.core.jobs.register)."""

    @huey.task(name=RUN)
    def run_task(job_id: int) -> None:
        run(app, job_id)

    @huey.periodic_task(crontab(minute="*/5"), name=SWEEP)
    def sweep_task() -> None:
        sweep(app)

    return {RUN: run_task, SWEEP: sweep_task}

