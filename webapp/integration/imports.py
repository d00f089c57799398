"""Manual import, Push now, and the self-updating progress of a run."""

from __future__ import annotations

import logging

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from redis.exceptions import RedisError

from webapp.extensions import db, get_redis
from webapp.integration.blueprint import bp
from webapp.integration.common import (
    page_or_fragment,
    store_connection,
    varying,
    wants_fragment,
)
from webapp.integration.forms import EmptyForm, ImportForm
from webapp.integration.panel import credit_usage, render_panel
from webapp.integration.previews import overwrite_drops, settings_form
from webapp.models import SyncRun
from webapp.models.sync import KIND_INVENTORY, KIND_MANUAL, KIND_POLL, QUEUED, RUNNING
from webapp.scoping import get_scoped_or_404
from webapp.sync.connection.clients import credit_wait
from webapp.sync.orders.enqueue import enqueue_manual_import
from webapp.sync.orders.polling import active_import
from webapp.sync.push.credits import credit_wait_left
from webapp.sync.push.enqueue import enqueue_full_push
from webapp.sync.retry_notice import retrying

log = logging.getLogger(__name__)


def progress_response(run: SyncRun, template: str = "integration/_progress.html", **extra):
    """Render a run's progress; once it has ended, tell the page to refresh its run lists."""
    if run.status == RUNNING:
        # A run that seems stuck is waiting out JOOR's request limit, or trying a failed
        # call again: say which.
        usage = credit_usage(store_connection())
        extra.setdefault("credit_wait", credit_wait(usage, run.kind))
        extra.setdefault("retrying", _retrying(run.id))
    elif run.status == QUEUED and run.kind == KIND_INVENTORY:
        extra.setdefault("credit_share_wait", credit_wait_left(run))
    elif run.status == QUEUED and run.kind == KIND_MANUAL:
        # Queued behind the scheduled import running now (one import per store at a time).
        ahead = active_import(db.session, run.store_id, (KIND_POLL,))
        extra.setdefault("behind", ahead if ahead is not None and ahead.status == RUNNING else None)
    response = varying(make_response(render_template(template, run=run, **extra)))
    if run.is_finished:
        response.headers["HX-Trigger"] = "runs-changed"
    return response


def _retrying(run_id: int) -> str | None:
    """What the run's JOOR client said of its last retry, if that is current."""
    try:
        return retrying(get_redis(), run_id)
    except RedisError:  # a Redis hiccup must not break the progress bar
        return None


@bp.post("/joor/imports")
def start_import():
    """Start a manual import of orders modified since a date (or show the one running)."""
    conn = store_connection()
    form = ImportForm()
    if not form.validate_on_submit() or not conn.is_connected:
        if not conn.is_connected:
            form.since.errors = [*form.since.errors, "Connect to JOOR before importing."]
        return _import_invalid(form)
    run, created = enqueue_manual_import(conn.store_id, form.since.data, current_user.email)
    notice = None if created else f"An import is already running (run #{run.id}); here it is."
    log.info("store %s: manual import since %s, run %s (new: %s)", conn.store_id, form.since.data,
             run.id, created)  # fmt: skip
    if wants_fragment():
        clean = ImportForm(formdata=None, since=form.since.data)
        return progress_response(
            run, "integration/_import_started.html", notice=notice, import_form=clean
        )
    flash(notice or f"Import started (run #{run.id}).")
    return redirect(url_for("integration.panel") + "#import")


def _import_invalid(form: ImportForm):
    """Show the import form's errors with 422."""
    if wants_fragment():
        html = render_template("integration/_import_form.html", import_form=form)
        response = varying(make_response(html, 422))
        # The form posts into #import-run; its errors belong in the form itself.
        response.headers["HX-Retarget"] = "#import-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render_panel(status=422, import_form=form)


@bp.post("/joor/push")
def push_now():
    """Push the whole inventory to JOOR now (an Overwrite that drops many styles needs a yes)."""
    conn = store_connection()
    EmptyForm()  # CSRF is checked globally; the form only renders the token
    if conn.inventory_mode == "overwrite" and request.form.get("confirmed") != "yes":
        # The panel's button asks in a dialog and sends the yes; without JavaScript, ask here.
        return page_or_fragment(
            "integration/push_confirm.html",
            "integration/_push_confirm.html",
            overwrite=overwrite_drops(conn, settings_form(conn)),
        )
    run, created = enqueue_full_push(conn.store_id, created_by=current_user.email, confirmed=True)
    notice = None if created else f"A push is already under way (run #{run.id})."
    if wants_fragment():
        return progress_response(run, "integration/_import_started.html", notice=notice)
    flash(notice or f"Push started (run #{run.id}).")
    return redirect(url_for("integration.panel") + "#settings")


@bp.get("/joor/runs/<int:run_id>/progress")
def run_progress_partial(run_id: int):
    """Show a run's progress bar and counts; it polls until the run ends."""
    run = get_scoped_or_404(SyncRun, run_id)
    if not wants_fragment():
        return redirect(url_for("integration.run_detail", run_id=run.id))
    return progress_response(run)
