"""Replies to a submission that may come from a form post or from the offline queue.

The phone's outbox (static/js/offline-queue.js) posts with `Accept: application/json`
and reads `status`: ok / duplicate (stored, drop from the queue), invalid (422: keep,
show the errors), conflict (409: keep, offer the existing record). A browser without
JavaScript posts the same form and gets a page. Both kinds of caller are answered
here, once, for the SKM survey and the field forms alike.
"""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template

from app.core.errors import wants_json

INVALID = "Periksa kembali isian yang ditandai."


def invalid(errors: dict, template: str, message: str = INVALID, **context):
    """422: the queue keeps the item and shows `errors`; a browser sees the form again."""
    if wants_json():
        return jsonify(status="invalid", message=message, errors=errors), 422
    return render_template(template, **context), 422


def conflict(message: str, template: str, *, existing_id: int | None = None, existing_url: str | None = None,
             **context):
    """409: the queue offers the record already stored (its page, or its correction page)."""
    if wants_json():
        return jsonify(status="conflict", message=message, errors={"__all__": [message]},
                       existing_id=existing_id, existing_url=existing_url), 409
    flash(message, "error")
    return render_template(template, **context), 409


def saved(message: str, next_url: str, *, record_id: int | None = None, warnings: list[str] = (),
          status: str = "ok", created_code: int = 201, **extra):
    """201 (new) or 200 (duplicate: already stored); a browser is redirected with the message flashed.
    `extra` adds fields to the JSON (the survey's receipt and thank-you address). The public survey
    has always answered 200 for a new answer too (`created_code=200`): its clients were built on that."""
    if wants_json():
        code = created_code if status == "ok" else 200
        body = {"status": status, "message": " ".join([message, *warnings]).strip(), **extra}
        if record_id is not None:
            body["id"] = record_id
        return jsonify(body), code
    if message:
        flash(message, "success")
    for warning in warnings:
        flash(warning, "info")
    return redirect(next_url, code=303)
