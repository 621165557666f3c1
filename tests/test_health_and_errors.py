"""/healthz, the Indonesian error pages and the security headers."""
import pytest

from app import create_app
from app.core.security import CSP


def test_health_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_reports_503_when_database_is_down(tmp_path):
    # Port 1 on loopback refuses at once: a database that is not there.
    down = create_app({
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2",
    })
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/does-not-exist"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "http" not in CSP  # no third-party origin anywhere in the policy


def test_404_page_is_indonesian(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_405_page(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Metode tidak diizinkan" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


def test_413_page(client, app):
    response = client.post("/login", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Data terlalu besar" in response.get_data(as_text=True)


def test_403_page(client, tree, make_user):
    from tests.helpers import login

    make_user("m@x.id", "monitor", tree["dayasos"])
    login(client, "m@x.id")
    response = client.get("/admin/units")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_json_errors_for_json_clients(client):
    response = client.get("/tidak-ada", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


@pytest.fixture()
def crashing_app(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/bad")
    def bad():
        from flask import abort

        abort(400)

    return app


def test_500_page_hides_the_stack_trace(crashing_app):
    response = crashing_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in body
    assert "Traceback" not in body and "secret internals" not in body


def test_400_page(crashing_app):
    from app.core.errors import MESSAGES

    response = crashing_app.test_client().get("/bad")
    assert response.status_code == 400
    assert MESSAGES[400][0] in response.get_data(as_text=True)
