"""Login, logout and the account page (change password, log out everywhere).

- Unknown email and wrong password get the same answer after the same hashing work, so the
  form cannot be used to discover accounts; a deactivated account is named only after the
  correct password.
- Every session and remember-me cookie carries the account's token version (`User.get_id`):
  logout, a password change and "keluar dari semua perangkat" raise it, which ends every
  copy of those cookies server-side. Login starts a new session with a new CSRF token.
- `next` is followed only when it is a same-site path (`app.core.safe_redirect`).
"""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import sessions
from app.core import audit, passwords
from app.core.safe_redirect import same_site_path
from app.extensions import db, limiter
from app.models import User
from forms.admin import ConfirmForm
from forms.auth import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)
LOGIN_FAILED = "Email atau kata sandi salah."
ACCOUNT_INACTIVE = "Akun Anda tidak aktif. Hubungi admin unit Anda untuk mengaktifkannya kembali."


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == User.normalise_email(form.email.data)))
        if not passwords.check(user.password_hash if user else None, form.password.data):
            form.form_errors.append(LOGIN_FAILED)
            return render_template("auth/login.html", form=form), 401
        if not user.active:
            form.form_errors.append(ACCOUNT_INACTIVE)
            return render_template("auth/login.html", form=form), 403
        target = same_site_path(request.args.get("next")) or url_for("home.home")
        sessions.start(user, remember=form.remember.data)
        return redirect(target)
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    current_user.end_sessions()
    db.session.commit()
    sessions.end()
    flash("Anda telah keluar. Sesi akun ini di perangkat lain juga berakhir.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def account():
    user = current_user._get_current_object()
    form = ChangePasswordForm(account_words=(user.email, user.name))
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append("Kata sandi saat ini salah.")
        else:
            before = audit.snapshot(user)
            user.set_password(form.new_password.data)  # also ends every other session
            audit.record("password_change", user, before=before, actor=current_user)
            db.session.commit()
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
    current_user.end_sessions()
    db.session.commit()
    sessions.end()
    flash("Anda telah keluar dari semua perangkat.", "info")
    return redirect(url_for("auth.login"))
