"""The Connection details: what `joor probe` last found, and *Check again* (run by a worker)."""

from __future__ import annotations

import logging

from flask import flash, redirect, request, url_for

from webapp.integration.blueprint import bp
from webapp.integration.common import fragment_or_panel, store_connection, wants_fragment
from webapp.integration.forms import EmptyForm
from webapp.integration.panel import details_context
from webapp.sync.connection.enqueue import enqueue_probe

log = logging.getLogger(__name__)
NOT_CONNECTED = "Connect to JOOR first: the check uses the stored token."


@bp.get("/joor/details")
def connection_details_partial():
    """Show the Connection details (polling while a check waits or runs)."""
    opened = request.args.get("open") == "1"
    context = details_context(store_connection(), opened=opened)
    return fragment_or_panel("integration/_connection_details.html", ctx=context)


@bp.post("/joor/probe")
def probe_again():
    """Ask a worker to check again which form of JOOR's API the account speaks."""
    if not EmptyForm().validate_on_submit():
        return "The form expired; reload the page.", 400
    conn = store_connection()
    if not conn.is_connected:
        return NOT_CONNECTED, 409

    enqueue_probe(conn.store_id)
    log.info("store %s: connection check queued", conn.store_id)
    if wants_fragment():
        context = details_context(conn, opened=True)
        return fragment_or_panel("integration/_connection_details.html", ctx=context)
    flash("Checking the connection with JOOR…")
    return redirect(url_for("integration.panel"))
