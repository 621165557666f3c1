"""Production refuses to start without a SECRET_KEY and marks cookies Secure."""
import pytest

from app import create_app


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAU_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAU_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("NIK_HMAC_KEY", "n" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_development_secret_key_is_generated_once(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.delenv("PANTAU_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = build_config(str(tmp_path))["SECRET_KEY"]
    second = build_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_postgres_urls_use_psycopg3():
    from app.config import normalise_database_url

    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_production_without_nik_hmac_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAU_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("NIK_HMAC_KEY", raising=False)
    with pytest.raises(RuntimeError, match="NIK_HMAC_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def _client_address(app) -> str:
    @app.get("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    return app.test_client().get("/whoami", headers={"X-Forwarded-For": "10.1.2.3"},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(tmp_path):
    plain = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    assert _client_address(plain) == "127.0.0.1"  # a client cannot spoof its address
    proxied = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db",
                          "TRUSTED_PROXY_COUNT": 1})
    assert _client_address(proxied) == "10.1.2.3"  # the rate limiter keys on the real phone


def test_the_job_queue_url_falls_back_to_the_older_webhook_name(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.delenv("JOB_QUEUE_URL", raising=False)
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", "redis://old:6379/1")
    assert build_config(str(tmp_path))["JOB_QUEUE_URL"] == "redis://old:6379/1"
    monkeypatch.setenv("JOB_QUEUE_URL", "redis://new:6379/2")
    assert build_config(str(tmp_path))["JOB_QUEUE_URL"] == "redis://new:6379/2"
    monkeypatch.delenv("WEBHOOK_QUEUE_URL")
    monkeypatch.delenv("JOB_QUEUE_URL")
    config = build_config(str(tmp_path))
    assert config["JOB_QUEUE_URL"] is None and config["EXPORT_QUEUE_THRESHOLD"] == 100_000
    assert (config["EXPORT_MAX_ACTIVE"], config["EXPORT_KEEP_DAYS"]) == (3, 7)
