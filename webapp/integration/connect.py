"""Connect, disconnect and the live connection status."""

from __future__ import annotations

import logging

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from webapp.extensions import db, get_cipher
from webapp.integration.alerts import alert_banner
from webapp.integration.blueprint import bp
from webapp.integration.common import (
    fragment_or_panel,
    push_button_oob,
    store_connection,
    varying,
    wants_fragment,
)
from webapp.integration.forms import ConnectForm, EmptyForm
from webapp.integration.live import announce_runs
from webapp.integration.panel import connect_context, connect_form, render_panel, status_context
from webapp.liveness import store_liveness
from webapp.models import JoorConnection
from webapp.sync.connection.state import disconnect as forget_token
from webapp.sync.connection.verification import submit_token

log = logging.getLogger(__name__)


def _connect_response(conn: JoorConnection, form: ConnectForm | None = None, status: int = 200):
    """Answer htmx with the connect section and, out of band, a fresh status badge."""
    html = render_template(
        "integration/_connect.html", **connect_context(conn, form)
    ) + render_template("integration/_status.html", oob=True, **status_context(conn))
    # Push inventory now comes and goes with the connection.
    html += push_button_oob(conn)
    return varying(make_response(html, status))


@bp.get("/joor/status")
def status_partial():
    """Show the connection badge, last call, last error, next poll and credits."""
    conn = store_connection()
    if not wants_fragment():
        return fragment_or_panel("integration/_status.html")
    # The open alert's banner rides along, so it comes and goes while the merchant watches.
    live = store_liveness(conn.store_id)
    html = render_template("integration/_status.html", **status_context(conn, live))
    response = varying(make_response(html + alert_banner(conn.store_id, oob=True)))
    return announce_runs(response, live)  # a run started or ended: the page's lists follow


@bp.get("/joor/connection")
def connect_partial():
    """Show the connect section (it polls while JOOR is checking a token)."""
    conn = store_connection()
    if wants_fragment():  # the check may have just ended: badge and Push button follow
        return _connect_response(conn)
    return fragment_or_panel("integration/_connect.html", **connect_context(conn))


@bp.post("/joor/connect")
def connect():
    """Validate the submitted token; a worker checks it with JOOR (sync.connection)."""
    conn = store_connection()
    form = connect_form(submitted=True)
    if not form.validate_on_submit():
        if wants_fragment():
            return _connect_response(conn, form, 422)
        return render_panel(status=422, connect=form)
    token, environment = form.token.data.strip(), form.environment.data
    submit_token(db.session, get_cipher(), conn, token, environment)
    if wants_fragment():
        return _connect_response(conn)
    flash("Checking the token with JOOR…")
    return redirect(url_for("integration.panel"))


@bp.post("/joor/disconnect")
def disconnect():
    """Forget the stored token; the settings stay for a later reconnect."""
    if not EmptyForm().validate_on_submit():
        return "The form expired; reload the page.", 400

    conn = forget_token(db.session, store_connection().store_id)
    log.info("store %s disconnected by user %s", conn.store_id, current_user.id)
    if wants_fragment():
        return _connect_response(conn)
    flash("Disconnected from JOOR.")
    return redirect(url_for("integration.panel"))
