"""Time the SKM submission path (POST /s/<slug>, as a phone posts it) in-process; prints figures only.

    .venv/bin/python bench/bench_submit.py [--count 1000] [--pg URL]

Runs against a database bench_reports.py prepared (layanan bench-pdf-0), so the
summary triggers work on a table of millions of rows. One process, one thread,
Flask's test client: the figure is the app's own CPU per submission plus the
database round trips, without network or gunicorn overhead.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL",
                                                       "postgresql+psycopg://postgres@127.0.0.1:5432/pantau_bench"))
    args = parser.parse_args()

    from app import create_app
    from app.services import skm_submit

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.pg, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
    answers = {f"u{i}": str(1 + i % 4) for i in range(1, 10)}
    with app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from app.models import Layanan

        layanan = db.session.scalar(select(Layanan).where(Layanan.slug == "bench-pdf-0"))
        if layanan is None:
            sys.exit("run bench/bench_reports.py on this database first")
        layanan_id = layanan.id
        db.session.remove()
    client = app.test_client()
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    for _ in range(args.count):
        with app.app_context():
            started = skm_submit.start_token(layanan_id, now=time.time() - 120)
        data = {"instance_id": str(uuid.uuid4()), "started": started, "website": "", "jenis_kelamin": "P",
                "usia": "35", "pendidikan": "SMA", "pekerjaan": "Swasta", "respondent_category": "",
                "service_date": "", "kritik_saran": "", **answers}
        response = client.post("/s/bench-pdf-0", data=data, headers={"Accept": "application/json"})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    seconds = time.perf_counter() - start
    print(f"[postgresql] {args.count:,} submissions in {seconds:.1f} s: {args.count / seconds:,.0f} per second "
          f"in one thread ({seconds / args.count * 1000:.1f} ms each); statuses {statuses}")


if __name__ == "__main__":
    main()
