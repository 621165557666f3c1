"""Issue 15, large exports: above EXPORT_QUEUE_THRESHOLD rows a CSV or XLSX is a queued job whose file is
the inline export's very bytes, written streaming, with progress, scoped to who asked, retryable."""
from __future__ import annotations

import io
import random
import types
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from app.core import jobs
from app.extensions import db
from app.models import ExportJob, utcnow
from app.reports import downloads, export_jobs, exports
from tests.helpers import csrf_from, login
from tests.report_data import INJECTION, insert_rows, make_rows

ROWS = 6


@pytest.fixture()
def queue(app, monkeypatch):
    """A fresh in-memory job queue and a threshold of 5 rows."""
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "memory://")
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", 5)
    monkeypatch.delitem(app.extensions, jobs.EXTENSION, raising=False)
    huey = jobs.get(app)
    yield huey
    app.extensions.pop(jobs.EXTENSION, None)


@pytest.fixture()
def world(tree, make_layanan, make_user):
    rng = random.Random(15)
    a = make_layanan("lay-a", tree["psds"], name="Izin UGB")
    c = make_layanan("lay-c", tree["rehsos"], name="Layanan Rehsos")
    rows = make_rows(a, "2025-02", ROWS, rng) + make_rows(c, "2025-02", 9, rng)
    rows[0]["kritik_saran"] = INJECTION
    rows[1]["kritik_saran"] = 'dua\nbaris "kutip" ; koma'
    insert_rows(rows)
    users = {
        "analyst": make_user("analis@x.id", "analyst", tree["dayasos"]),
        "colleague": make_user("rekan@x.id", "analyst", tree["dayasos"]),
        "admin": make_user("admin@x.id", "admin", tree["dayasos"]),
        "sibling": make_user("rehsos@x.id", "analyst", tree["rehsos"]),
        "sibling_admin": make_user("admin-rehsos@x.id", "admin", tree["rehsos"]),
    }
    return {"a": a, "c": c, **tree, **users}


URL = "/laporan/ikm.{fmt}?period=2025"


def _inline(app, client, fmt, monkeypatch) -> tuple[bytes, str]:
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", 1000)
    answer = client.get(URL.format(fmt=fmt))
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", 5)
    assert answer.status_code == 200, answer.status_code
    return answer.data, answer.headers["Content-Disposition"]


def _job(job_id: int) -> ExportJob:
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def _request(client, fmt="csv") -> int:
    answer = client.get(URL.format(fmt=fmt))
    assert answer.status_code == 302, answer.status_code
    assert "/laporan/ekspor/" in answer.headers["Location"]
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    out = {}
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        out[name] = [r for r in rows if r[0] != "Dibuat"]  # the generation time differs between two runs
    return out


@pytest.mark.parametrize("fmt", ["csv", "csv-id", "xlsx"])
def test_a_large_export_is_queued_and_its_file_is_the_inline_export(app, client, world, queue, fmt, monkeypatch):
    login(client, "analis@x.id")
    inline, disposition = _inline(app, client, fmt, monkeypatch)

    job_id = _request(client, fmt)
    job = _job(job_id)
    assert (job.status, job.rows_done, job.rows_total, job.format) == ("antri", 0, ROWS, fmt)
    assert queue.pending_count() == 1  # enqueued after the commit
    page = client.get(f"/laporan/ekspor/{job_id}").get_data(as_text=True)
    assert "Dalam antrean" in page and 'http-equiv="refresh"' in page and "<progress" in page
    assert "0 dari 6 baris (0%)" in page and "/unduh" not in page

    queue.execute(queue.dequeue())  # the worker's unit of work, in this process

    job = _job(job_id)
    assert (job.status, job.rows_done, job.rows_total, job.error) == ("selesai", ROWS, ROWS, None)
    assert not list(Path(app.instance_path, "exports").glob("*.part"))
    page = client.get(f"/laporan/ekspor/{job_id}").get_data(as_text=True)
    assert "Selesai" in page and "6 dari 6 baris (100%)" in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/laporan/ekspor/{job_id}/unduh")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].replace('"', "") == disposition.replace('"', "")
    if fmt == "xlsx":
        assert _sheets(download.data) == _sheets(inline)
        assert len(_sheets(download.data)["Responden"]) == 2 + ROWS
    else:
        assert download.data == inline  # byte for byte
        assert download.data.count(b"\r\n") >= ROWS + 1


def test_at_the_threshold_the_export_streams_inline_and_other_formats_never_queue(app, client, world, queue,
                                                                                   monkeypatch):
    login(client, "analis@x.id")
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", ROWS)  # "more than" the threshold queues
    assert client.get(URL.format(fmt="csv")).status_code == 200
    monkeypatch.setitem(app.config, "EXPORT_QUEUE_THRESHOLD", 1)
    for fmt in ("json", "pdf"):
        assert client.get(URL.format(fmt=fmt)).status_code == 200
    # exclude_flagged counts only unflagged rows, from the summary table
    db.session.execute(text("UPDATE skm_response SET flag_too_fast = :t WHERE layanan_id = :a"),
                       {"t": True, "a": world["a"].id})
    db.session.commit()
    assert client.get(URL.format(fmt="csv") + "&exclude_flagged=y").status_code == 200
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0 and queue.pending_count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_progress_goes_from_zero_to_the_total_in_committed_steps(app, client, world, queue, fmt, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    login(client, "analis@x.id")
    job_id = _request(client, fmt)
    seen = []
    save = export_jobs.Progress.save

    def watched(self):
        save(self)
        with db.engine.connect() as other:  # committed: another connection (the job page) sees it
            seen.append(other.execute(text("SELECT rows_done FROM export_job WHERE id = :i"), {"i": job_id}).scalar())

    monkeypatch.setattr(export_jobs.Progress, "save", watched)
    assert _job(job_id).rows_done == 0
    queue.execute(queue.dequeue())
    if fmt == "xlsx" or db.engine.dialect.name == "sqlite":
        assert seen == [2, 4, 6]
    else:  # PostgreSQL's COPY relays 256 KB blocks: six rows arrive in one
        assert seen == [6]
    assert _job(job_id).rows_done == _job(job_id).rows_total == ROWS


def test_the_task_streams_rows_instead_of_loading_them(app, client, world, queue, monkeypatch):
    """At the first progress step only that many rows have left the database cursor, and the CSV's
    first chunk has already gone to the file (SQLite path; PostgreSQL relays its COPY stream)."""
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    pulled = []
    iterate = exports.iter_response_rows

    def spy(*args, **kwargs):
        for row in iterate(*args, **kwargs):
            pulled.append(row[0])
            yield row

    monkeypatch.setattr(exports, "iter_response_rows", spy)
    copies = []
    copy = exports._pg_copy_chunks
    monkeypatch.setattr(exports, "_pg_copy_chunks", lambda *a, **k: copies.append(a) or copy(*a, **k))
    handed = []  # CSV chunks handed to the file so far
    real = downloads.download

    def counting(*args, **kwargs):
        result = real(*args, **kwargs)
        if result.text is not None:
            chunks = result.text
            result.text = (handed.append(len(c)) or c for c in chunks)
        return result

    monkeypatch.setattr(downloads, "download", counting)
    at_first_step = []
    save = export_jobs.Progress.save

    def watched(self):
        if not at_first_step:
            at_first_step.append((len(pulled), self.done, len(handed)))
        save(self)

    monkeypatch.setattr(export_jobs.Progress, "save", watched)
    login(client, "analis@x.id")
    _request(client, "xlsx")
    queue.execute(queue.dequeue())
    assert at_first_step == [(2, 2, 0)] and len(pulled) == ROWS  # openpyxl write-only: rows stream to its temp file
    at_first_step.clear()
    pulled.clear()
    _request(client, "csv")
    queue.execute(queue.dequeue())
    if db.engine.dialect.name == "postgresql":
        assert len(copies) == 1 and pulled == []
    else:
        assert at_first_step == [(2, 2, 1)]  # header and two rows went to the file before row 3 was read


def test_only_the_requester_and_an_admin_of_the_scope_see_the_job(app, client, world, queue, make_user):
    login(client, "analis@x.id")
    job_id = _request(client)
    queue.execute(queue.dequeue())
    paths = [f"/laporan/ekspor/{job_id}", f"/laporan/ekspor/{job_id}/unduh"]
    assert [client.get(p).status_code for p in paths] == [200, 200]
    for email, codes in (("rekan@x.id", [404, 404]), ("rehsos@x.id", [404, 404]),
                         ("admin-rehsos@x.id", [404, 404]), ("admin@x.id", [200, 200])):
        other = app.test_client()
        login(other, email)
        assert [other.get(p).status_code for p in paths] == codes, email
        token = csrf_from(other.get("/laporan/ekspor").get_data(as_text=True))
        assert other.post(f"/laporan/ekspor/{job_id}/ulang", data={"csrf_token": token}).status_code in (
            404 if codes[0] == 404 else 302,)
        assert f"/laporan/ekspor/{job_id}\"" not in other.get("/laporan/ekspor").get_data(as_text=True)
    make_user("monitor@x.id", "monitor", world["dayasos"])
    monitor = app.test_client()
    login(monitor, "monitor@x.id")
    assert [monitor.get(p).status_code for p in paths] == [403, 403]


def test_a_failing_task_is_marked_gagal_and_a_retry_succeeds(app, client, world, queue, monkeypatch):
    login(client, "analis@x.id")
    inline, _ = _inline(app, client, "csv", monkeypatch)
    job_id = _request(client)
    real = downloads.download

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)

        def chunks(good):
            yield next(good)
            raise OSError("No space left on device")

        result.text = chunks(result.text)
        return result

    monkeypatch.setattr(downloads, "download", broken)
    queue.execute(queue.dequeue())
    job = _job(job_id)
    assert job.status == "gagal" and job.file_path is None and job.error == export_jobs.FAILED
    assert list(Path(app.instance_path, "exports").glob("*.part")) == []  # no half-written file
    page = client.get(f"/laporan/ekspor/{job_id}").get_data(as_text=True)
    assert "Gagal" in page and "Silakan coba lagi" in page and "Space" not in page
    assert client.get(f"/laporan/ekspor/{job_id}/unduh").status_code == 404

    monkeypatch.setattr(downloads, "download", real)
    retried = client.post(f"/laporan/ekspor/{job_id}/ulang", data={"csrf_token": csrf_from(page)})
    assert retried.status_code == 302 and _job(job_id).status == "antri"
    queue.execute(queue.dequeue())
    assert _job(job_id).status == "selesai"
    assert client.get(f"/laporan/ekspor/{job_id}/unduh").data == inline
    again = client.post(f"/laporan/ekspor/{job_id}/ulang", data={"csrf_token": csrf_from(page)},
                        follow_redirects=True)
    assert "Hanya ekspor yang gagal" in again.get_data(as_text=True)


def test_a_user_may_have_three_jobs_waiting_at_once(app, client, world, queue):
    login(client, "analis@x.id")
    ids = [_request(client) for _ in range(3)]
    refused = client.get(URL.format(fmt="xlsx"))
    assert refused.status_code == 429
    assert "sudah memiliki 3 ekspor" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ExportJob.id))) == 3
    queue.execute(queue.dequeue())
    assert _job(ids[0]).status == "selesai"
    assert client.get(URL.format(fmt="xlsx")).status_code == 302  # one finished: room for another
    listing = client.get("/laporan/ekspor").get_data(as_text=True)
    assert all(f"/laporan/ekspor/{i}\"" in listing for i in ids)


def test_the_sweep_requeues_lost_jobs_fails_dead_ones_and_deletes_old_files(app, client, world, queue):
    login(client, "analis@x.id")
    done_id, lost_id, dead_id = _request(client), _request(client), _request(client)
    queue.flush()  # every message lost (a flushed Redis)
    db.session.execute(text("UPDATE export_job SET updated_at = :t"), {"t": utcnow() - timedelta(minutes=11)})
    db.session.commit()
    assert export_jobs.sweep(app) == {"requeued": 3, "failed": 0, "deleted": 0}
    assert queue.pending_count() == 3
    queue.execute(queue.dequeue())
    queue.flush()
    job = _job(done_id)
    path = Path(app.instance_path, "exports", job.file_path)
    assert path.is_file()
    db.session.execute(text("UPDATE export_job SET status = 'berjalan', updated_at = :t WHERE id = :i"),
                       {"t": utcnow() - timedelta(minutes=31), "i": dead_id})
    db.session.execute(text("UPDATE export_job SET finished_at = :t WHERE id = :i"),
                       {"t": utcnow() - timedelta(days=8), "i": done_id})
    db.session.execute(text("UPDATE export_job SET updated_at = :t WHERE id = :i"), {"t": utcnow(), "i": lost_id})
    db.session.commit()
    assert export_jobs.sweep(app) == {"requeued": 0, "failed": 1, "deleted": 1}
    assert not path.exists() and _job(done_id).file_path is None
    assert _job(dead_id).status == "gagal" and "berhenti" in _job(dead_id).error
    assert client.get(f"/laporan/ekspor/{done_id}/unduh").status_code == 404
    assert "Berkas sudah dihapus" in client.get(f"/laporan/ekspor/{done_id}").get_data(as_text=True)


def test_the_command_line_still_writes_directly_and_streams(app, world, queue, tmp_path, monkeypatch):
    client = app.test_client()
    login(client, "analis@x.id")
    inline, _ = _inline(app, client, "csv", monkeypatch)
    seen = []
    real = downloads.download

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        seen.append(result.text)
        return result

    monkeypatch.setattr(downloads, "download", spy)
    out = tmp_path / "ikm.csv"
    result = app.test_cli_runner().invoke(args=["report", "ikm", "--unit", "DAYASOS", "--period", "2025",
                                                "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == inline
    assert isinstance(seen[0], types.GeneratorType)  # chunks written as they come, never joined in memory
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0 and queue.pending_count() == 0


def test_an_unreachable_queue_leaves_the_job_waiting_for_the_sweep(app, client, world, queue, monkeypatch):
    def broken(name, *args):
        raise ConnectionError("redis down")

    monkeypatch.setattr(jobs, "enqueue", broken)
    login(client, "analis@x.id")
    job_id = _request(client)  # the user still gets the job page, not an error
    assert _job(job_id).status == "antri" and queue.pending_count() == 0
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "memory://")
    app.extensions[jobs.EXTENSION] = queue
    db.session.execute(text("UPDATE export_job SET updated_at = :t"), {"t": utcnow() - timedelta(minutes=11)})
    db.session.commit()
    assert export_jobs.sweep(app)["requeued"] == 1
    queue.execute(queue.dequeue())
    assert _job(job_id).status == "selesai"
