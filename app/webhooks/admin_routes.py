"""Admin pages for webhooks under /admin/webhook: subscriptions in the admin's unit subtree, adding
one (its secret is shown on that one page only), deactivating, the delivery log and "kirim ulang"."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.core import transaction
from app.core.paging import paginate
from app.core.scoping import role_required
from app.webhooks import subscriptions
from forms.admin import ConfirmForm
from forms.webhooks import WebhookForm

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin/webhook")


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


@bp.get("")
def index():
    page = paginate(subscriptions.in_scope(current_user))
    return render_template("webhooks/index.html", page=page, confirm=ConfirmForm())


@bp.route("/baru", methods=["GET", "POST"])
def new():
    form = WebhookForm()
    form.unit_id.choices = subscriptions.unit_choices(current_user)
    if form.validate_on_submit():
        try:
            created = subscriptions.add(unit_id=form.unit_id.data, url=form.url.data, events=form.events.data,
                                        actor=current_user, production=current_app.config["PRODUCTION"])
        except subscriptions.SubscriptionInvalid as err:
            transaction.rollback()
            for name, messages in err.errors.items():
                getattr(form, {"unit": "unit_id"}.get(name, name)).errors.extend(messages)
        else:
            transaction.commit()
            return render_template("webhooks/created.html", subscription=created.subscription, secret=created.secret)
    return render_template("webhooks/form.html", form=form)


@bp.post("/<int:subscription_id>/nonaktifkan")
def deactivate(subscription_id: int):
    subscription = subscriptions.get(subscription_id, current_user)
    if ConfirmForm().validate_on_submit() and subscriptions.deactivate(subscription, actor=current_user):
        transaction.commit()
        flash("Langganan dinonaktifkan.", "success")
    return redirect(url_for("webhooks_admin.index"))


@bp.get("/<int:subscription_id>/log")
def log(subscription_id: int):
    subscription = subscriptions.get(subscription_id, current_user)
    page = paginate(subscriptions.deliveries(subscription))
    return render_template("webhooks/log.html", subscription=subscription, page=page, confirm=ConfirmForm())


@bp.post("/kirim-ulang/<int:delivery_id>")
def resend(delivery_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("webhooks_admin.index"))
    delivery = subscriptions.requeue(delivery_id, actor=current_user)
    transaction.commit()
    flash("Pengiriman dijadwalkan ulang.", "success")
    return redirect(url_for("webhooks_admin.log", subscription_id=delivery.subscription_id))
