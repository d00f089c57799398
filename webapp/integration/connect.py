"""Connect, disconnect and the live connection status."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.crypto import encrypt
from webapp.extensions import db, get_cipher
from webapp.formkit import select_choices
from webapp.integration.alerts import alert_banner
from webapp.integration.blueprint import bp
from webapp.integration.common import (
    fragment_or_panel,
    push_button_oob,
    store_connection,
    varying,
    wants_fragment,
)
from webapp.integration.forms import ConnectForm, EmptyForm, environment_choices
from webapp.integration.live import announce_runs
from webapp.liveness import Liveness, store_liveness
from webapp.models import JoorConnection, SyncRun
from webapp.models.base import utcnow
from webapp.models.joor import STATUS_CHECKING, STATUS_DISCONNECTED
from webapp.models.sync import KIND_POLL
from webapp.sync.connection.enqueue import enqueue_verify_connection
from webapp.sync.connection.health import connection_verdict
from webapp.sync.connection.state import disconnect as forget_token
from webapp.sync.connection.state import factory_from_app
from webapp.sync.orders.importing import IMPORT_ERROR_PREFIX

log = logging.getLogger(__name__)


def connect_form(*, submitted: bool = False, environment: str | None = None) -> ConnectForm:
    """Return the connect form offering this server's environments (filled from the request).

    A new form starts on `environment` (the one connected to, when replacing a token).
    """
    form = ConnectForm() if submitted else ConnectForm(formdata=None, environment=environment)
    form.environment.choices = select_choices(
        environment_choices(current_app.config.get("JOOR_LOCAL_URL"))
    )
    return form


def credit_usage(conn: JoorConnection):
    """Return the account's credits in the current JOOR window (read from Redis), or None."""
    if not conn.account_key or not conn.is_connected:
        return None

    try:
        return factory_from_app(current_app).budget_usage(conn)
    except Exception:  # noqa: BLE001 - a Redis hiccup must not break the status badge
        log.warning("store %s: credit usage unavailable", conn.store_id, exc_info=True)
        return None


def status_context(conn: JoorConnection, live: Liveness | None = None) -> dict:
    """What the status fragment shows (and the runs' liveness mark its next poll sends)."""
    live = live or store_liveness(conn.store_id)
    return {
        "runs_mark": live.mark,
        "conn": conn,
        "usage": credit_usage(conn),
        "live": conn.status != STATUS_DISCONNECTED,
        "environments": dict(environment_choices("local")),
        "import_failing": (conn.last_error or "").startswith(IMPORT_ERROR_PREFIX),
        "first_check": conn.watermark is None and not _has_polled(conn.store_id),
        "verdict": connection_verdict(db.session, conn),
    }


def _has_polled(store_id: int) -> bool:
    """Tell whether a scheduled check has run for the store (even one that failed)."""
    query = select(SyncRun.id).where(SyncRun.store_id == store_id, SyncRun.kind == KIND_POLL)
    return db.session.scalar(query.limit(1)) is not None


# A worker checks a token in about a second; after this long, say what may be wrong.
SLOW_CHECK = timedelta(seconds=20)


def connect_context(conn: JoorConnection, form: ConnectForm | None = None) -> dict:
    """What the connect section shows."""
    return {
        "conn": conn,
        # After a refused token, the environment the merchant chose for it, not Production.
        "form": form or connect_form(environment=conn.pending_environment or conn.environment),
        "disconnect_form": EmptyForm(formdata=None),
        "checking": conn.status == STATUS_CHECKING,
        "check_is_slow": _check_is_slow(conn),
        "environments": dict(environment_choices("local")),
    }


def _check_is_slow(conn: JoorConnection) -> bool:
    """Tell whether a token check has waited long enough that no worker is likely running."""
    return bool(
        conn.status == STATUS_CHECKING
        and conn.pending_since
        and utcnow() - conn.pending_since > SLOW_CHECK
    )


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
    """Keep the submitted token aside and ask a worker to check it with JOOR."""
    conn = store_connection()
    form = connect_form(submitted=True)
    if not form.validate_on_submit():
        if wants_fragment():
            return _connect_response(conn, form, 422)
        from webapp.integration.routes import render_panel

        return render_panel(status=422, connect=form)
    token = form.token.data.strip()
    conn.pending_token_encrypted = encrypt(get_cipher(), token)
    conn.pending_environment = form.environment.data
    conn.pending_since = utcnow()
    conn.status, conn.last_error, store_id = STATUS_CHECKING, "", conn.store_id
    db.session.commit()

    enqueue_verify_connection(store_id)
    log.info("store %s: token submitted for checking (%s)", conn.store_id, conn.pending_environment)
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
