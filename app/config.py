"""Configuration read from the environment.

Development works with no environment at all; production (PANTAU_ENV=production)
refuses to start without an explicit SECRET_KEY, because a generated one would
differ per process and silently log everybody out.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs (Heroku-style or libpq-style)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _dev_secret_key(instance_path: Path, name: str = "secret_key") -> str:
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the settings dict; `overrides` (tests, scripts) win over the environment."""
    overrides = dict(overrides or {})
    instance = Path(instance_path)
    production = os.environ.get("PANTAU_ENV", "development") == "production"

    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise RuntimeError("SECRET_KEY wajib diset di lingkungan produksi (PANTAU_ENV=production).")
        secret = _dev_secret_key(instance)

    # NIKs are stored only as HMACs under this key; losing or changing it orphans every KPM.
    nik_key = overrides.get("NIK_HMAC_KEY") or os.environ.get("NIK_HMAC_KEY")
    if not nik_key:
        if production:
            raise RuntimeError("NIK_HMAC_KEY wajib diset di lingkungan produksi (PANTAU_ENV=production).")
        nik_key = _dev_secret_key(instance, "nik_hmac_key")

    default_db = "sqlite:///" + str(instance / "pantau.db")
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL") or default_db

    config = {
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "local://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # POSTs to the public survey per client address: generous, as many phones share one carrier-NAT IP.
        "SURVEY_RATE_LIMIT": os.environ.get("SURVEY_RATE_LIMIT", "120 per minute;2000 per hour"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),  # per API token
        # Seconds another process may keep serving a cached layanan/category (app.skm.lookup).
        "SURVEY_LOOKUP_TTL": float(os.environ.get("SURVEY_LOOKUP_TTL", "30")),
        # Large enough for a spreadsheet import, small enough to refuse abuse early.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(10 * 1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Base of the links printed on posters; unset, they follow the host the admin is using.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or None,
        # How many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto;
        # without it every phone behind the proxy would share one rate-limit bucket.
        "TRUSTED_PROXY_COUNT": int(os.environ.get("TRUSTED_PROXY_COUNT", "0")),
        "NIK_HMAC_KEY": nik_key,
        # Field monitoring: correction window, GPS warning, income sanity bound, period of a pendamping check.
        "MONITOR_EDIT_DAYS": int(os.environ.get("MONITOR_EDIT_DAYS", "7")),
        "GPS_ACCURACY_WARN_METERS": float(os.environ.get("GPS_ACCURACY_WARN_METERS", "100")),
        "INCOME_SANITY_MAX": int(os.environ.get("INCOME_SANITY_MAX", "100000000")),
        "PENDAMPING_PERIOD_KIND": os.environ.get("PENDAMPING_PERIOD_KIND", "year"),
        # The job queue (huey, app.core.jobs) for webhooks and large exports: unset = SQLite file
        # instance/jobs-queue.db; redis://host:6379/1 in production. WEBHOOK_QUEUE_URL is its older name.
        "JOB_QUEUE_URL": os.environ.get("JOB_QUEUE_URL") or os.environ.get("WEBHOOK_QUEUE_URL") or None,
        "WEBHOOK_QUEUE_URL": os.environ.get("WEBHOOK_QUEUE_URL") or None,
        # A CSV or XLSX response export of more rows than this runs as a queued job (app.reports.export_jobs).
        "EXPORT_QUEUE_THRESHOLD": int(os.environ.get("EXPORT_QUEUE_THRESHOLD", "100000")),
        # Queued or running export jobs one user may have at once; finished files are kept this many days.
        "EXPORT_MAX_ACTIVE": int(os.environ.get("EXPORT_MAX_ACTIVE", "3")),
        "EXPORT_KEEP_DAYS": int(os.environ.get("EXPORT_KEEP_DAYS", "7")),
        # Seconds a claimed webhook delivery is left to its worker before a sweep may retry it (a dead worker).
        "WEBHOOK_LEASE_SECONDS": float(os.environ.get("WEBHOOK_LEASE_SECONDS", "120")),
        # Seconds another process may keep believing nobody subscribes to an event (app.webhooks.outbox).
        "WEBHOOK_LOOKUP_TTL": float(os.environ.get("WEBHOOK_LOOKUP_TTL", "30")),
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    # Report-only queries (aggregates, exports) may read from a replica: app.core.report_db.
    report_url = overrides.get("REPORT_DATABASE_URL") or os.environ.get("REPORT_DATABASE_URL") or None
    config["REPORT_DATABASE_URL"] = normalise_database_url(report_url) if report_url else None
    if report_url:
        config["SQLALCHEMY_BINDS"] = {**config.get("SQLALCHEMY_BINDS", {}), "report": config["REPORT_DATABASE_URL"]}
    # DejaVu Sans for the PDFs (app.reports.pdf_base); without it they fall back to Helvetica.
    config.setdefault("PANTAU_FONT_DIR", os.environ.get("PANTAU_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
    return config
