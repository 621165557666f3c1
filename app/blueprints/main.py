"""Landing pages: the signed-in home that points each role at its work."""
from flask import Blueprint, current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Staff go to their home; anyone else (a respondent who typed the bare domain) sees the way to the surveys."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("welcome.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page that names no icon; answer instead of logging a 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400)


@bp.get("/beranda")
@login_required
def home():
    return render_template("home.html")


@bp.get("/csrf-token")
def csrf_token():
    """A fresh token for the current session, so an offline queue can resend
    items whose original token expired (e.g. after logging in again). `user_id` lets the queue send
    only the signed-in user's own items (docs/OFFLINE.md)."""
    response = jsonify(csrf_token=generate_csrf(), authenticated=current_user.is_authenticated,
                       user_id=current_user.id if current_user.is_authenticated else None)
    response.headers["Cache-Control"] = "no-store"
    return response
