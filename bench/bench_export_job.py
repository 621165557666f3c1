"""Benchmark a queued export job (issue 15): rows per second and peak Python memory of the worker's
task at two sizes; flat memory means the file streams. Prints figures, asserts nothing.

    .venv/bin/python bench/bench_export_job.py [--sizes 20000 100000] [--formats csv xlsx] [--pg URL]

Each size gets a fresh SQLite database in a temporary folder (or, with --pg, the given PostgreSQL
database, emptied first: use a database of your own). The task runs in this process exactly as the
worker runs it (app.reports.export_jobs.run), with tracemalloc counting its allocations (which slows
it several times: the rows/s are a lower bound).

Measured 2026-11-30 on the shared 2-core machine, SQLite, under tracemalloc: CSV 20,000 rows 3.5 s,
peak 6.9 MiB; 100,000 rows 19.6 s, peak 6.7 MiB. XLSX 20,000 rows 56 s, peak 7.3 MiB; 100,000 rows
354 s, peak 7.0 MiB. Five times the rows, the same memory.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_reports import _insert, make_app  # noqa: E402
from sqlalchemy import text  # noqa: E402


def one(url: str, instance: str, n_rows: int, formats: list[str]) -> None:
    from app.core import reference
    from app.core.periods import parse_period
    from app.extensions import db
    from app.models import ExportJob, Layanan, Unit, User
    from app.reports import export_jobs
    from app.reports.scope import report_scope

    app = make_app(url)
    app.instance_path = instance
    app.config["JOB_QUEUE_URL"] = "memory://"
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("TRUNCATE skm_response, export_job, layanan, user_account, unit CASCADE"))
            db.session.commit()
        reference.ensure_defaults()
        unit = Unit(code="BENCH", name="Unit bench", level="eselon1")
        db.session.add(unit)
        db.session.flush()
        ids = []
        for i in range(10):
            layanan = Layanan(unit_id=unit.id, slug=f"bench-{i}", name=f"Layanan {i}", active=True)
            db.session.add(layanan)
            db.session.flush()
            ids.append(layanan.id)
        user = User(email="bench@x.id", role="analyst", unit=unit)
        user.set_password("kata-sandi-bench-1")
        db.session.add(user)
        db.session.commit()
        _insert(db, ids, n_rows, seed=1)
        for fmt in formats:
            job = export_jobs.queue_if_large(user, report_scope(unit), parse_period("2025"), fmt,
                                             exclude_flagged=False, threshold=0, max_active=99)
            db.session.info.pop("jobs_after_commit", None)  # run below, not through a queue
            db.session.commit()
            tracemalloc.start()
            start = time.perf_counter()
            outcome = export_jobs.run(app, job.id)
            seconds = time.perf_counter() - start
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            db.session.expire_all()
            job = db.session.get(ExportJob, job.id)
            size = (Path(instance) / "exports" / job.file_path).stat().st_size if job.file_path else 0
            print(f"{db.engine.dialect.name:10} {fmt:5} {n_rows:>9,} rows  {outcome:8} {seconds:7.1f} s  "
                  f"{job.rows_done / seconds:>9,.0f} rows/s  peak {peak / 2**20:6.1f} MiB  "
                  f"file {size / 2**20:7.1f} MiB")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--pg", default=None)
    args = parser.parse_args()
    for n_rows in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            url = args.pg or f"sqlite:///{folder}/bench.db"
            one(url, folder, n_rows, args.formats)


if __name__ == "__main__":
    main()
