"""Login, logout, CSRF and the login rate limit."""
from app.extensions import db
from app.models import User
from tests.helpers import csrf_from, login


def test_login_success_lands_on_home(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"], name="Ani")
    response = login(client, "a@x.id")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/beranda")
    home = client.get("/beranda")
    assert home.status_code == 200
    assert "Selamat datang, Ani" in home.get_data(as_text=True)


def test_email_is_case_insensitive(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    assert login(client, "  A@X.ID ").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    wrong_password = login(client, "a@x.id", "salah-sekali-123")
    unknown_email = login(client, "nobody@x.id", "salah-sekali-123")
    assert wrong_password.status_code == unknown_email.status_code == 401
    for response in (wrong_password, unknown_email):
        assert "Email atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/beranda").status_code == 302  # still anonymous


def test_inactive_user_cannot_log_in(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"], active=False)
    assert login(client, "a@x.id").status_code == 403  # told why only after the correct password
    assert client.get("/beranda").status_code == 302


def test_password_is_hashed_with_scrypt(app, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:")
    assert "kata-sandi" not in stored


def test_login_without_csrf_token_is_rejected(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    response = client.post("/login", data={"email": "a@x.id", "password": "kata-sandi-uji-123"})
    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/beranda").status_code == 302


def test_logout_requires_post_with_csrf(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token
    token = csrf_from(client.get("/beranda").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/beranda").status_code == 302


def test_open_redirect_via_next_is_ignored(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    page = client.get("/login?next=//evil.example")
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/login?next=//evil.example",
                           data={"email": "a@x.id", "password": "kata-sandi-uji-123", "csrf_token": token})
    assert response.headers["Location"].endswith("/beranda")


def test_login_attempts_are_rate_limited(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    statuses = [login(client, "a@x.id", "salah-sekali-123").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert "Terlalu banyak" in login(client, "a@x.id").get_data(as_text=True)


def test_session_cookie_flags(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    response = login(client, "a@x.id")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_csrf_token_endpoint_gives_a_usable_token(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    payload = client.get("/csrf-token").get_json()
    assert payload["authenticated"] is True
    assert client.post("/logout", data={"csrf_token": payload["csrf_token"]}).status_code == 302
    assert client.get("/beranda").status_code == 302


def test_demo_accounts_can_log_in(app, client):
    from app.admin import demo

    app.test_cli_runner().invoke(args=["seed-demo"])
    for email, _role, _unit, _name in demo.DEMO_USERS:
        response = login(client, email, demo.DEMO_PASSWORD)
        assert response.status_code == 302, email
        token = csrf_from(client.get("/beranda").get_data(as_text=True))
        client.post("/logout", data={"csrf_token": token})
