"""Benchmark the IKM report path on synthetic data; prints figures, asserts nothing.

    .venv/bin/python bench/bench_reports.py [--responses 1000000] [--layanan 500] [--skip-sqlite] [--skip-pg]
        [--pg URL] [--profile] [--skip-naive] [--skip-csv]

A national-scale run (issue 17) on PostgreSQL only, in its own database:

    .venv/bin/python bench/bench_reports.py --skip-sqlite --responses 10000000 --layanan 5000 \
        --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale

The layanan are created on the database's first run, so use one database per
layanan count; responses are topped up to --responses and kept between runs.

- IKM report (build_report: per-layanan GROUP BY, roll-up, pooled, flags, profile,
  trend, kritik) over ROWS responses in LAYANAN layanan, on SQLite and PostgreSQL,
  and for BENCH-500, a unit inside it holding 500 of those layanan;
- the naive way for comparison: load every row into Python and aggregate there;
- the PDF and the dashboard page (GET /laporan/ as a signed-in analyst) for a unit
  with 21 layanan and 100,000 responses;
- peak memory (VmHWM) of a subprocess streaming the CSV export of every row.

Each figure is printed with the load average (the machine may be shared) and the
app process's own CPU time.

Data is generated once per database (bulk executemany on SQLite, COPY on
PostgreSQL) and reused by later runs. PostgreSQL uses its own database
(default pantau_bench on 127.0.0.1; created with createdb if missing).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text, update  # noqa: E402

COLUMNS = ("instance_id", "layanan_id", "submitted_at", "period", "form_version", "channel",
           "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "jenis_kelamin", "usia", "pendidikan",
           "pekerjaan", "kritik_saran", "flag_straightline", "flag_too_fast", "flag_repeat_device")
PDF_LAYANAN, PDF_ROWS = 21, 100_000
MID_LAYANAN = 500
ANALYST, ANALYST_PASSWORD = "analis-bench@pantau.local", "kata-sandi-bench-123"


def make_app(url: str):
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
    return app


def _rows(layanan_ids: list[int], count: int, seed: int):
    rng = random.Random(seed)
    answers = (1, 2, 3, 3, 4, 4, 4)
    texts = (None, None, None, None, "Pelayanan cepat", "Antrian lama", "=cmd|' /C calc'!A0")
    for i in range(count):
        # Every layanan answers in every month (once rows >= 12 x layanan), so the summary tables
        # hold what a real year holds: layanan x 12 months x 2 flag states.
        month = 1 + (i // len(layanan_ids)) % 12
        yield (uuid.uuid4(), layanan_ids[i % len(layanan_ids)], datetime(2025, month, 1 + i % 28), f"2025-{month:02d}",
               "skm-2017-v1", "web", *(rng.choice(answers) for _ in range(9)), rng.choice("LP"),
               rng.randint(17, 75), rng.choice(("SMA", "D4/S1", "S2")), rng.choice(("PNS", "Swasta", "Lainnya")),
               rng.choice(texts), i % 97 == 0, i % 89 == 0, False)


def _insert(db, layanan_ids: list[int], count: int, seed: int) -> float:
    start = time.perf_counter()
    conn = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY skm_response ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in _rows(layanan_ids, count, seed):
                copy.write_row(row)
    else:
        sql = f"INSERT INTO skm_response ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
        batch = []
        for row in _rows(layanan_ids, count, seed):
            batch.append((row[0].hex, *row[1:2], row[2].isoformat(sep=" "), *row[3:]))
            if len(batch) == 50_000:
                conn.exec_driver_sql(sql, batch)
                batch.clear()
        if batch:
            conn.exec_driver_sql(sql, batch)
    db.session.commit()
    return time.perf_counter() - start


def prepare(db, n_rows: int, n_layanan: int) -> dict:
    from app.core import reference
    from app.models import Layanan, SkmResponse, Unit, User

    reference.ensure_defaults()
    root = db.session.scalar(select(Unit).where(Unit.code == "BENCH"))
    if root is None:
        root = Unit(code="BENCH", name="Kementerian Bench", level="kementerian")
        big = Unit(code="BENCH-BIG", name="Eselon I dengan 500 layanan", level="eselon1", parent=root)
        small = Unit(code="BENCH-PDF", name="Direktorat dengan 21 layanan", level="eselon1", parent=root)
        db.session.add_all([root, big, small])
        db.session.flush()
        for i in range(n_layanan):
            db.session.add(Layanan(unit_id=big.id, slug=f"bench-{i}", name=f"Layanan bench {i}", active=True))
        for i in range(PDF_LAYANAN):
            db.session.add(Layanan(unit_id=small.id, slug=f"bench-pdf-{i}", name=f"Layanan laporan PDF nomor {i}",
                                   active=True))
        db.session.commit()
    if db.session.scalar(select(Unit).where(Unit.code == "BENCH-500")) is None:
        # A 500-layanan unit inside the big one (issue 17): the same data, a tenth of the layanan.
        big = db.session.scalar(select(Unit).where(Unit.code == "BENCH-BIG"))
        mid = Unit(code="BENCH-500", name="Direktorat dengan 500 layanan", level="direktorat", parent=big)
        db.session.add(mid)
        db.session.flush()
        db.session.execute(update(Layanan).where(Layanan.slug.in_([f"bench-{i}" for i in range(MID_LAYANAN)]))
                           .values(unit_id=mid.id))
        db.session.commit()
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.like("BENCH%")))}
    big_ids = list(db.session.scalars(select(Layanan.id).where(
        Layanan.unit_id.in_([units["BENCH-BIG"].id, units["BENCH-500"].id])).order_by(Layanan.id)))
    if db.session.scalar(select(User).where(User.email == ANALYST)) is None:
        analyst = User(email=ANALYST, role="analyst", unit=units["BENCH-PDF"])
        analyst.set_password(ANALYST_PASSWORD)
        db.session.add(analyst)
        db.session.commit()
    pdf_ids = list(db.session.scalars(select(Layanan.id).where(Layanan.unit_id == units["BENCH-PDF"].id)))
    have = db.session.scalar(select(func.count()).select_from(SkmResponse).where(SkmResponse.layanan_id.in_(big_ids)))
    timings = {}
    if have < n_rows:
        timings["generate_main"] = _insert(db, big_ids, n_rows - have, seed=have + 1)
    have_pdf = db.session.scalar(select(func.count()).select_from(SkmResponse)
                                 .where(SkmResponse.layanan_id.in_(pdf_ids)))
    if have_pdf < PDF_ROWS:
        timings["generate_pdf"] = _insert(db, pdf_ids, PDF_ROWS - have_pdf, seed=7 + have_pdf)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE skm_response"))
        db.session.commit()
    return {"units": units, "big_ids": big_ids, "pdf_ids": pdf_ids, "timings": timings}


def naive(db, layanan_ids: list[int]) -> float:
    """Load every row into Python and aggregate there (what an ORM-loop report would do)."""
    from analysis.ikm import compute_ikm
    from app.models import SkmResponse

    start = time.perf_counter()
    cols = [getattr(SkmResponse, f"u{i}") for i in range(1, 10)]
    groups = defaultdict(list)
    stmt = select(SkmResponse.layanan_id, *cols).where(SkmResponse.layanan_id.in_(layanan_ids),
                                                       SkmResponse.period.between("2025-01", "2025-12"))
    for row in db.session.execute(stmt):
        groups[row[0]].append({f"U{i}": row[i] for i in range(1, 10)})
    results = {k: compute_ikm(v) for k, v in groups.items()}
    assert results
    return time.perf_counter() - start


def csv_peak_memory(url: str, unit_code: str) -> tuple[float, float, float, int, float]:
    code = """
import sys, time
url, unit_code = sys.argv[1], sys.argv[2]


def hwm():
    # VmHWM is per address space, so unlike ru_maxrss it does not inherit the parent's peak across exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


from sqlalchemy import select
from app import create_app
from app.models import Unit
from app.reports import exports
from app.reports.scope import report_layanan_ids
from app.core.periods import parse_period
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
with app.app_context():
    from app.extensions import db
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    ids = report_layanan_ids(unit)
    before = hwm()
    start, cpu = time.perf_counter(), time.process_time()
    lines = 0
    with open("/dev/null", "w") as sink:
        for chunk in exports.response_csv_chunks(ids, parse_period("2025")):
            lines += chunk.count("\\n")
            sink.write(chunk)
    print(before, hwm(), time.perf_counter() - start, lines, time.process_time() - cpu)
"""
    out = subprocess.run([sys.executable, "-c", code, url, unit_code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024, float(out[2]), int(out[3]), float(out[4])


def profiled(label: str, call):
    """Run call() under cProfile and print the 15 most expensive functions (cumulative)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(call)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
    print(f"[{label}] profile of the full IKM report:\n{out.getvalue()}")
    return result


def run(url: str, label: str, n_rows: int, n_layanan: int, profile: bool = False, skip_naive: bool = False,
        skip_csv: bool = False) -> None:
    from app.core.periods import parse_period
    from app.extensions import db
    from app.reports import ikm as ikm_report
    from app.reports import pdf_report
    from app.skm import summary as skm_stats

    app = make_app(url)
    with app.app_context():
        data = prepare(db, n_rows, n_layanan)
        for key, seconds in data["timings"].items():
            print(f"[{label}] {key}: {seconds:.1f} s")
        period = parse_period("2025")
        big, mid, small = (data["units"][code] for code in ("BENCH-BIG", "BENCH-500", "BENCH-PDF"))
        start = time.perf_counter()
        core = skm_stats.ikm_by_layanan(data["big_ids"], period)
        t_core = time.perf_counter() - start
        t_report, report = _timed(lambda: ikm_report.build_report(big, period))
        print(f"[{label}] {report.n:,} responses in {len(core)} layanan")
        print(f"[{label}] IKM per layanan, one GROUP BY: {t_core:.2f} s")
        print(f"[{label}] full IKM report, {len(report.lines):,} layanan (roll-up, pooled, flags, profile, trend, "
              f"kritik), first call: {t_report:.2f} s{_load()}")
        for i in range(1, REPEAT + 1):
            seconds, _report = _timed(lambda: ikm_report.build_report(big, period))
            print(f"[{label}] full IKM report, {len(report.lines):,} layanan, call {i + 1}: {seconds:.2f} s{_load()}")
        for i in range(REPEAT):
            seconds, mid_report = _timed(lambda: ikm_report.build_report(mid, period))
            print(f"[{label}] full IKM report, {len(mid_report.lines):,}-layanan unit, call {i + 1}: "
                  f"{seconds:.2f} s{_load()}")
        if profile:
            profiled(label, lambda: ikm_report.build_report(big, period))
        if not skip_naive:
            t_naive = naive(db, data["big_ids"])
            print(f"[{label}] naive load-all-rows + Python aggregation: {t_naive:.2f} s "
                  f"(ratio naive / full report = {t_naive / t_report:.1f}x, / GROUP BY = {t_naive / t_core:.1f}x)")
        for i in range(REPEAT):
            seconds, pdf = _timed(lambda: pdf_report.render_pdf(ikm_report.build_report(small, period)))
            print(f"[{label}] PDF, {PDF_LAYANAN} layanan / {PDF_ROWS:,} responses, call {i + 1}: {seconds:.2f} s "
                  f"({len(pdf) / 1024:.0f} KiB){_load()}")
        db.session.remove()
    dashboard_page(app, label)
    if skip_csv:
        return
    before, peak, seconds, lines, cpu = csv_peak_memory(url, "BENCH-BIG")
    rows = lines - 1
    print(f"[{label}] CSV export of {rows:,} rows: {seconds:.1f} s, peak RSS {peak:.0f} MB "
          f"(process before export {before:.0f} MB; {rows / seconds:,.0f} rows/s, growth {peak - before:.0f} MB)"
          f" [load {os.getloadavg()[0]:.1f}; exporting process CPU {cpu:.1f} s]")


REPEAT = 3


_cpu = [0.0]


def _timed(call):
    """Wall seconds and the result; the call's CPU time in this process goes to _load()'s next line."""
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    _cpu[0] = time.process_time() - cpu
    return time.perf_counter() - start, result


def _load() -> str:
    """The load average beside each figure (this machine is shared), and the app process's own CPU time."""
    return f" [load {os.getloadavg()[0]:.1f}; app CPU {_cpu[0]:.2f} s]"


def dashboard_page(app, label: str) -> None:
    """GET /laporan/ for an analyst of the 21-layanan unit, through the whole Flask stack."""
    import re

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed_in = client.post("/login", data={"email": ANALYST, "password": ANALYST_PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.status_code
    for i in range(REPEAT):
        seconds, response = _timed(lambda: client.get("/laporan/?period=2025"))
        assert response.status_code == 200, response.status_code
        print(f"[{label}] dashboard page, {PDF_LAYANAN} layanan, call {i + 1}: {seconds:.2f} s{_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", "--rows", dest="rows", type=int, default=1_000_000)
    parser.add_argument("--layanan", type=int, default=500)
    parser.add_argument("--sqlite", default=str(ROOT / "bench" / "out" / "bench_reports.db"))
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL",
                                                       "postgresql+psycopg://postgres@127.0.0.1:5432/pantau_bench"))
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only (a 10M run)")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the load-every-row comparison")
    parser.add_argument("--skip-csv", action="store_true", help="leave out the CSV export")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the full IKM report")
    args = parser.parse_args()
    options = {"profile": args.profile, "skip_naive": args.skip_naive, "skip_csv": args.skip_csv}
    print(f"machine: {os.cpu_count()} CPU; responses={args.rows:,}; layanan={args.layanan}")
    if not args.skip_sqlite:
        Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        run(f"sqlite:///{args.sqlite}", "sqlite", args.rows, args.layanan, **options)
    if not args.skip_pg:
        dbname = args.pg.rsplit("/", 1)[-1]
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", dbname], capture_output=True)
        run(args.pg, "postgresql", args.rows, args.layanan, **options)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
