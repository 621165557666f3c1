"""Accounts and sessions (issue 9, "Accounts and sessions"; issue 13, auth items).

Each test reproduces a request from the issue: the open redirect after login, sessions and
remember-me cookies that outlived logout or a password change, account enumeration by the
work done per login, weak passwords, demo accounts the admin form refused, the unit that
silently defaulted for a new user, and the message a deactivated user gets.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core import passwords
from app.extensions import db
from app.models import User
from tests.helpers import TEST_PASSWORD, csrf_from, login

GOOD_PASSWORD = "layang-layang-merah-77"
WEAK_PASSWORDS = (" " * 10, "1234567890")


def _login_with_next(client, next_value: str, email: str = "a@x.id", password: str = TEST_PASSWORD, **extra):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(f"/login?next={next_value}",
                       data={"email": email, "password": password, "csrf_token": token, **extra})


def _post_form(client, url, data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _logout(client):
    token = csrf_from(client.get("/beranda").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})


def _signed_in(client) -> bool:
    return client.get("/beranda").status_code == 200


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _client_with(app, **cookies):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


# ---- open redirect after login ---------------------------------------------------------------

def test_next_with_a_tab_is_not_followed_off_site(client, tree, make_user):
    """Issue 9: `POST /login?next=/%09/evil.example` answered `Location: //evil.example`."""
    make_user("a@x.id", "analyst", tree["dayasos"])
    response = _login_with_next(client, "/%09/evil.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/beranda"


def test_next_with_a_header_break_does_not_500(client, tree, make_user):
    """Issue 9: `next=/%0d%0aX:1` gave a 500 after a successful login."""
    make_user("a@x.id", "analyst", tree["dayasos"])
    response = _login_with_next(client, "/%0d%0aX:1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/beranda"
    assert "X" not in response.headers
    assert _signed_in(client)


@pytest.mark.parametrize("hostile", [
    "//evil.example", "/%5Cevil.example", "%5C%5Cevil.example", "https://evil.example/", "/%2F/evil.example",
    "%20/evil.example", "/%00x", "javascript:alert(1)", "/%E2%80%8B/evil.example", "/" + "a" * 3000,
    "beranda", "/\\/evil.example", "/%0aevil",
])
def test_only_a_same_site_path_is_followed(client, tree, make_user, hostile):
    make_user("a@x.id", "analyst", tree["dayasos"])
    response = _login_with_next(client, hostile)
    if "%00" in hostile:  # the NUL guard refuses the whole request before login (app.core.parsing)
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/beranda"


def test_a_same_site_path_with_its_query_is_followed(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    response = _login_with_next(client, "/pantau/pendamping%3Fhal%3D2")
    assert response.headers["Location"] == "/pantau/pendamping?hal=2"


# ---- sessions that end server-side -----------------------------------------------------------

def test_captured_session_cookie_fails_after_logout(app, client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    captured = _cookie(client, "session")
    assert _signed_in(_client_with(app, session=captured))  # the copy works while signed in
    assert _logout(client).status_code == 302
    assert not _signed_in(_client_with(app, session=captured))


def test_session_and_remember_cookie_fail_after_an_admin_changes_the_password(app, client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    victim = make_user("a@x.id", "analyst", tree["dayasos"])
    response = _login_with_next(client, "/beranda", remember="y")
    assert response.status_code == 302
    session_cookie, remember_cookie = _cookie(client, "session"), _cookie(client, "remember_token")
    assert _signed_in(_client_with(app, remember_token=remember_cookie))  # the remember cookie alone works

    admin = app.test_client()
    login(admin, "admin@x.id")
    changed = _post_form(admin, f"/admin/users/{victim.id}", {
        "email": "a@x.id", "name": "", "role": "analyst", "unit_id": tree["dayasos"].id, "region_id": 0,
        "password": GOOD_PASSWORD, "active": "y"})
    assert changed.status_code == 302

    assert not _signed_in(client)
    assert not _signed_in(_client_with(app, session=session_cookie))
    assert not _signed_in(_client_with(app, remember_token=remember_cookie))
    assert _signed_in(admin)  # only the changed account's sessions end
    assert login(app.test_client(), "a@x.id", GOOD_PASSWORD).status_code == 302


def test_admin_setting_own_password_stays_signed_in_here_only(app, client, tree, make_user):
    me = make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    other_device = app.test_client()
    login(other_device, "admin@x.id")
    response = _post_form(client, f"/admin/users/{me.id}", {
        "email": "admin@x.id", "name": "", "role": "admin", "unit_id": tree["root"].id, "region_id": 0,
        "password": GOOD_PASSWORD, "active": "y"})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other_device)


def test_captured_remember_cookie_fails_after_logout(app, client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    _login_with_next(client, "/beranda", remember="y")
    remember_cookie = _cookie(client, "remember_token")
    _logout(client)
    assert not _signed_in(_client_with(app, remember_token=remember_cookie))


def test_deactivation_ends_sessions_for_good(app, client, tree, make_user):
    """Re-activating an account must not bring a session captured before deactivation back to life."""
    make_user("admin@x.id", "admin", tree["root"])
    victim = make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    captured = _cookie(client, "session")
    admin = app.test_client()
    login(admin, "admin@x.id")
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    assert admin.post(f"/admin/users/{victim.id}/deactivate", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    db.session.get(User, victim.id).active = True
    db.session.commit()
    assert not _signed_in(_client_with(app, session=captured))


def test_admin_ends_all_sessions_of_a_user(app, client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    victim = make_user("a@x.id", "analyst", tree["dayasos"])
    _login_with_next(client, "/beranda", remember="y")
    remember_cookie = _cookie(client, "remember_token")
    admin = app.test_client()
    login(admin, "admin@x.id")
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    response = admin.post(f"/admin/users/{victim.id}/end-sessions", data={"csrf_token": token})
    assert response.status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(_client_with(app, remember_token=remember_cookie))
    assert login(app.test_client(), "a@x.id").status_code == 302  # the password still works


def test_admin_cannot_end_sessions_outside_scope(app, client, tree, make_user):
    make_user("admin@x.id", "admin", tree["dayasos"])
    other = make_user("b@x.id", "analyst", tree["rehsos"])
    version = other.token_version
    login(client, "admin@x.id")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post(f"/admin/users/{other.id}/end-sessions", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, other.id).token_version == version


def test_login_starts_a_fresh_session_with_a_fresh_csrf_token(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    with client.session_transaction() as planted:  # what an attacker could plant before the victim logs in
        planted["planted"] = "x"
    before = csrf_from(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as current:
        token_before = current["csrf_token"]
    assert client.post("/login", data={"email": "a@x.id", "password": TEST_PASSWORD,
                                       "csrf_token": before}).status_code == 302
    with client.session_transaction() as current:
        assert "planted" not in current
        assert current.get("csrf_token") not in (None, token_before)  # issued afresh at login
    assert _logout(client).status_code == 302  # and the fresh token works


def test_change_own_password_keeps_this_session_and_ends_the_others(app, client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    other_device = app.test_client()
    login(other_device, "a@x.id")
    response = _post_form(client, "/akun", {"current_password": TEST_PASSWORD, "new_password": GOOD_PASSWORD,
                                            "confirm_password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other_device)
    assert login(app.test_client(), "a@x.id", GOOD_PASSWORD).status_code == 302


def test_change_own_password_needs_the_current_one(client, tree, make_user):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    response = _post_form(client, "/akun", {"current_password": "bukan-sandi-saya-1", "new_password": GOOD_PASSWORD,
                                            "confirm_password": GOOD_PASSWORD})
    assert response.status_code == 400
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)


def test_log_out_everywhere_from_the_account_page(app, client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    other_device = app.test_client()
    login(other_device, "a@x.id")
    token = csrf_from(client.get("/akun").get_data(as_text=True))
    assert client.post("/akun/keluar-semua", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(other_device)


def test_a_session_holding_a_bare_user_id_is_rejected(app, tree, make_user):
    """A session from before this change holds a bare id: it no longer signs anyone in."""
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    old = app.test_client()
    with old.session_transaction() as legacy:
        legacy["_user_id"] = str(user.id)
        legacy["_fresh"] = True
    assert not _signed_in(old)


# ---- account enumeration by the work done ----------------------------------------------------

def test_unknown_email_does_the_same_password_hash_work(client, tree, make_user, monkeypatch):
    make_user("a@x.id", "analyst", tree["dayasos"])
    calls: list[str] = []
    real = passwords.check_password_hash

    def spy(stored: str, password: str) -> bool:
        calls.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    assert login(client, "nobody@x.id", "salah-sekali-123").status_code == 401
    unknown = list(calls)
    calls.clear()
    assert login(client, "a@x.id", "salah-sekali-123").status_code == 401
    known = list(calls)
    assert len(unknown) == len(known) == 1
    assert unknown == known  # same method and cost parameters, e.g. scrypt:32768:8:1


def test_inactive_account_runs_the_hash_too(client, tree, make_user, monkeypatch):
    make_user("a@x.id", "analyst", tree["dayasos"], active=False)
    calls = []
    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda s, p: calls.append(1) or real(s, p))
    login(client, "a@x.id", "salah-sekali-123")
    assert calls == [1]


# ---- deactivated users (issue 13) ------------------------------------------------------------

def test_deactivated_user_is_told_only_after_a_correct_password(client, tree, make_user):
    make_user("a@x.id", "analyst", tree["dayasos"], active=False)
    wrong = login(client, "a@x.id", "salah-sekali-123")
    assert wrong.status_code == 401
    assert "Email atau kata sandi salah." in wrong.get_data(as_text=True)
    assert "tidak aktif" not in wrong.get_data(as_text=True)
    right = login(client, "a@x.id")
    assert right.status_code == 403
    body = right.get_data(as_text=True)
    assert "Akun Anda tidak aktif" in body and "Email atau kata sandi salah." not in body
    assert not _signed_in(client)


# ---- password policy -------------------------------------------------------------------------

@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_policy_refuses_weak_passwords(weak):
    assert passwords.policy_error(weak) is not None


def test_policy_messages_are_indonesian_and_accept_a_strong_passphrase():
    assert passwords.policy_error(GOOD_PASSWORD) is None
    assert "minimal 10 karakter" in passwords.policy_error("Ab1-xY")
    assert "mudah ditebak" in passwords.policy_error("1234567890")
    assert "mudah ditebak" in passwords.policy_error("budi.santoso@kemensos.go.id",
                                                     user_inputs=("budi.santoso@kemensos.go.id",))
    assert "maksimal" in passwords.policy_error("x" * 201)


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_admin_form_refuses_weak_passwords(client, tree, make_user, weak):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    response = _post_form(client, "/admin/users/new", {
        "email": "baru@x.id", "role": "monitor", "unit_id": tree["dayasos"].id, "region_id": 0,
        "password": weak, "active": "y"})
    assert response.status_code == 400
    assert "mudah ditebak" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "baru@x.id")) is None


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_cli_refuses_weak_passwords(app, weak):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["create-user", "--email", "a@x.id", "--role", "analyst", "--unit", "DAYASOS",
                                 "--password-stdin"], input=weak + "\n")
    assert result.exit_code != 0
    assert "mudah ditebak" in result.output
    assert db.session.scalar(select(User).where(User.email == "a@x.id")) is None


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_account_page_refuses_weak_passwords(client, tree, make_user, weak):
    user = make_user("a@x.id", "analyst", tree["dayasos"])
    login(client, "a@x.id")
    response = _post_form(client, "/akun", {"current_password": TEST_PASSWORD, "new_password": weak,
                                            "confirm_password": weak})
    assert response.status_code == 400
    assert "mudah ditebak" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(TEST_PASSWORD)


def test_password_fields_tell_the_browser_what_to_fill(client, tree, make_user):
    """The admin's saved password must not be autofilled as another user's new password."""
    make_user("admin@x.id", "admin", tree["root"])
    assert 'autocomplete="current-password"' in client.get("/login").get_data(as_text=True)
    login(client, "admin@x.id")
    assert 'autocomplete="new-password" id="password"' in client.get("/admin/users/new").get_data(as_text=True)
    account = client.get("/akun").get_data(as_text=True)
    assert 'autocomplete="new-password" id="new_password"' in account
    assert 'autocomplete="current-password" id="current_password"' in account


# ---- admin user form -------------------------------------------------------------------------

def test_demo_accounts_are_editable_in_the_admin_form(app, client):
    from app.admin import demo

    app.test_cli_runner().invoke(args=["seed-demo"])
    login(client, "admin@pantau.local", demo.DEMO_PASSWORD)
    monitor = db.session.scalar(select(User).where(User.email == "monitor@pantau.local"))
    response = _post_form(client, f"/admin/users/{monitor.id}", {
        "email": "monitor@pantau.local", "name": "Monitor Demo Baru", "role": "monitor",
        "unit_id": monitor.unit_id, "region_id": 0, "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, monitor.id).name == "Monitor Demo Baru"


@pytest.mark.parametrize("email", ["tanpa-at.local", "a@b", "a b@x.id", "a@x..id", "a@-x.id"])
def test_admin_form_still_refuses_malformed_emails(client, tree, make_user, email):
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    response = _post_form(client, "/admin/users/new", {
        "email": email, "role": "monitor", "unit_id": tree["dayasos"].id, "region_id": 0,
        "password": GOOD_PASSWORD, "active": "y"})
    assert response.status_code == 400
    assert "Format email tidak valid." in response.get_data(as_text=True)


def test_new_user_needs_an_explicit_unit(client, tree, make_user):
    """Issue 13: a new user's unit silently defaulted to the first unit in the list."""
    make_user("admin@x.id", "admin", tree["root"])
    login(client, "admin@x.id")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert '<option selected value="0">' in page  # the placeholder, not a real unit, is preselected
    for unit_value in ({"unit_id": 0}, {}):
        response = _post_form(client, "/admin/users/new", {
            "email": "baru@x.id", "role": "monitor", "region_id": 0, "password": GOOD_PASSWORD, "active": "y",
            **unit_value})
        assert response.status_code == 400
        assert "Unit wajib dipilih." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "baru@x.id")) is None


def test_editing_a_user_keeps_the_unit_preselected(client, tree, make_user):
    make_user("admin@x.id", "admin", tree["root"])
    user = make_user("a@x.id", "analyst", tree["psds"])
    login(client, "admin@x.id")
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'<option selected value="{tree["psds"].id}">' in page
