"""Login, logout and the account page (change password, log out everywhere).

The checks live in `app.auth.accounts`; this module parses the forms and handles the
browser's side. Login starts a new session with a new CSRF token (`app.core.sessions`), and
`next` is followed only when it is a same-site path (`app.core.safe_redirect`).
"""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.api import tokens as api_tokens_service
from app.auth import accounts
from app.core import sessions, transaction
from app.core.safe_redirect import same_site_path
from app.extensions import limiter
from forms.admin import ConfirmForm
from forms.auth import ApiTokenForm, ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.LoginRefused as refused:
            form.form_errors.append(refused.message)
            return render_template("auth/login.html", form=form), refused.status
        target = same_site_path(request.args.get("next")) or url_for("home.home")
        sessions.start(user, remember=form.remember.data)
        return redirect(target)
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    accounts.end_own_sessions(current_user)
    transaction.commit()
    sessions.end()
    flash("Anda telah keluar. Sesi akun ini di perangkat lain juga berakhir.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def account():
    user = current_user._get_current_object()
    form = ChangePasswordForm(account_words=(user.email, user.name))
    if form.validate_on_submit():
        try:
            accounts.change_password(user, current_password=form.current_password.data,
                                     new_password=form.new_password.data, actor=user)
        except accounts.PasswordRefused as refused:
            form[refused.field].errors.append(refused.message)
        else:
            transaction.commit()
            sessions.restart(user)
            flash("Kata sandi diganti. Sesi di perangkat lain telah berakhir.", "success")
            return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/account.html", form=form, confirm=ConfirmForm()), status


@bp.post("/akun/keluar-semua")
@login_required
def logout_everywhere():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    accounts.end_own_sessions(current_user)
    transaction.commit()
    sessions.end()
    flash("Anda telah keluar dari semua perangkat.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun/token", methods=["GET", "POST"])
@login_required
def api_tokens():
    """One's own API tokens (app.api.tokens): create one (its secret is shown once, on this answer
    only) or see the list. A token only ever works for /api/."""
    user = current_user._get_current_object()
    form = ApiTokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            issued = api_tokens_service.issue(user, name=form.name.data, scope=form.scope.data,
                                              expires_days=form.expires_days.data, actor=user)
        except api_tokens_service.TokenRefused as refused:
            form.form_errors.append(refused.message)
        else:
            transaction.commit()
            secret = issued.secret
            form = ApiTokenForm(formdata=None)
    status = 400 if form.errors else 200
    response = make_response(render_template("auth/tokens.html", form=form, secret=secret,
                                             tokens=api_tokens_service.owned(user), confirm=ConfirmForm()), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/akun/token/<int:token_id>/cabut")
@login_required
def revoke_api_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.api_tokens"))
    if not api_tokens_service.revoke(current_user, token_id, actor=current_user):
        abort(404)
    transaction.commit()
    flash("Token dicabut; token itu tidak dapat dipakai lagi.", "info")
    return redirect(url_for("auth.api_tokens"))
