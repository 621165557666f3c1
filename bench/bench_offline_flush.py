"""Time flushing a phone's outbox of queued items after reconnect, against a local gunicorn on loopback.

    .venv/bin/python bench/bench_offline_flush.py [--items 200] [--kind income|survey] [--db-url URL]

A fresh database (SQLite in a temporary directory unless --db-url) is migrated and
seeded with the demo data; gunicorn serves it on 127.0.0.1 (2 gthread workers x 4
threads). Debian Chromium logs in as the demo monitor, ITEMS items are written
into the device outbox (IndexedDB) exactly as an offline submit would store them,
and the clock runs from PantauOutbox.flush() until every item is confirmed
("sent"). Prints the time and checks the database holds exactly ITEMS new rows
under the right owner; nothing here is a test.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))

QUEUE_JS = """async ([count, kind, owner]) => {
    const form = document.querySelector('form[data-offline-queue]');
    const base = [];
    new FormData(form).forEach((v, k) => base.push([k, v]));
    for (let i = 0; i < count; i++) {
        const id = crypto.randomUUID();
        const fields = base.map(([k, v]) => [k, k === 'instance_id' ? id
            : k === 'nik' ? '3273010101' + String(100000 + i) : v]);
        await PantauCore.put({id, owner, queue: kind, label: 'bench ' + i, action: form.action, fields,
                              at: Date.now() + i, state: 'waiting', errors: {}});
    }
}"""
SENT_JS = "(owner) => PantauCore.all(owner).then(xs => xs.filter(x => x.state === 'sent').length)"
STATES_JS = "(owner) => PantauCore.all(owner).then(xs => xs.map(x => x.state))"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def count_rows(url: str, kind: str) -> tuple[int, set]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        if kind == "income":
            rows = conn.execute(text("SELECT monitor_id FROM income_sample WHERE source = 'web'")).all()
        else:
            rows = conn.execute(text("SELECT NULL FROM skm_response WHERE channel = 'web'")).all()
    engine.dispose()
    return len(rows), {r[0] for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--kind", choices=("income", "survey"), default="income")
    parser.add_argument("--db-url", help="an EMPTY database to use (default: SQLite in a temporary directory)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="pantau-bench-")
    url = args.db_url or f"sqlite:///{tmp.name}/bench.db"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret", "NIK_HMAC_KEY": "bench-nik-key",
           "LOGIN_RATE_LIMIT": "1000 per minute", "SURVEY_RATE_LIMIT": "100000 per minute"}
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    before = count_rows(url, args.kind)[0]
    server = subprocess.Popen([str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", "2", "--threads", "4",
                               "--graceful-timeout", "3", "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run"])
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="id-ID")
            page = context.new_page()
            if args.kind == "income":
                from app.admin import demo

                page.goto(f"{base}/login?next=/pantau/pendapatan/catat")
                page.fill("input[name=email]", "monitor@pantau.local")
                page.fill("input[name=password]", demo.DEMO_PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_url("**/pantau/pendapatan/catat")
                owner = "user:" + page.get_attribute("meta[name=pantau-user]", "content")
                page.fill("input[name=cohort_year]", "2025")
                page.fill("input[name=intervention_date]", "2025-01-15")
                page.fill("input[name=monitoring_date]", "2025-04-15")
                page.fill("input[name=household_size]", "4")
                page.fill("input[name=income_before]", "1000000")
                page.fill("input[name=income_after]", "1500000")
            else:
                page.goto(f"{base}/s/izin-ugb")
                owner = "anonymous"
                page.check("input[name=jenis_kelamin][value=P]")
                for n in range(1, 10):
                    page.check(f"input[name=u{n}][value='3']")
            page.wait_for_function("!!(window.PantauOutbox && window.PantauOutbox.flush)")
            context.set_offline(True)  # queued while offline, as in the field
            page.evaluate(QUEUE_JS, [args.items, "pendapatan" if args.kind == "income" else "skm", owner])
            context.set_offline(False)
            start = time.perf_counter()
            page.evaluate("PantauOutbox.flush()")
            while page.evaluate(SENT_JS, owner) < args.items:
                time.sleep(0.05)
            elapsed = time.perf_counter() - start
            states = page.evaluate(STATES_JS, owner)
            browser.close()
        rows, owners = count_rows(url, args.kind)
        print(f"flush {args.items} queued {args.kind} items over loopback: {elapsed:.2f} s "
              f"({elapsed / args.items * 1000:.0f} ms per item); database: {rows - before} new rows, "
              f"owners {sorted(o for o in owners if o is not None) or ['anonymous']}; "
              f"device: {states.count('sent')} sent, {len(states) - states.count('sent')} other")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        tmp.cleanup()


if __name__ == "__main__":
    main()
