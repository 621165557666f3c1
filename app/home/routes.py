"""Landing pages: the signed-in home that points each role at its work, and the health check."""
from flask import Blueprint, current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from app.core import transaction
from app.home import health

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Staff go to their home; anyone else (a respondent who typed the bare domain) sees the way to the surveys."""
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    return render_template("home/welcome.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page that names no icon; answer instead of logging a 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400)


@bp.get("/beranda")
@login_required
def home():
    return render_template("home/home.html")


@bp.get("/csrf-token")
def csrf_token():
    """A fresh token for the current session, so an offline queue can resend
    items whose original token expired (e.g. after logging in again). `user_id` lets the queue send
    only the signed-in user's own items (docs/OFFLINE.md)."""
    response = jsonify(csrf_token=generate_csrf(), authenticated=current_user.is_authenticated,
                       user_id=current_user.id if current_user.is_authenticated else None)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """Liveness plus a real database round trip, for load balancers and uptime checks."""
    problem = health.database_problem()
    if problem is not None:
        current_app.logger.warning("health check: database unreachable: %s", problem)
        transaction.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
