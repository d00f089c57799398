"""What the panel's views share: the store's connection and page-or-fragment answers."""

from __future__ import annotations

from flask import Response, make_response, redirect, render_template, url_for
from sqlalchemy import select

from webapp.extensions import db, htmx
from webapp.models import JoorConnection
from webapp.scoping import current_store_id
from webapp.sync.connection.state import get_connection


def store_connection() -> JoorConnection:
    """Return the logged-in store's connection row, creating (and committing) it on first use."""
    conn = db.session.scalar(
        select(JoorConnection).where(JoorConnection.store_id == current_store_id())
    )
    if conn is None:
        # Committed at once so later reads (status polls) never hold a write transaction.
        conn = get_connection(db.session, current_store_id())
        db.session.commit()
    return conn


def wants_fragment() -> bool:
    """Tell whether htmx asked for a fragment (a history restore needs the whole page)."""
    return bool(htmx) and not htmx.history_restore_request


def varying(response: Response) -> Response:
    """Mark a response as depending on HX-Request, so caches keep page and fragment apart."""
    response.vary.add("HX-Request")
    return response


def go_to(target: str) -> Response:
    """Send the browser to another page: htmx by HX-Redirect, a plain form by redirect."""
    if wants_fragment():
        return varying(Response(status=204, headers={"HX-Redirect": target}))
    return redirect(target)


def push_button_oob(conn: JoorConnection, overwrite: dict | None = None) -> str:
    """The Push inventory now button, re-sent out of band beside another fragment."""
    template = "integration/_push_button.html"
    return render_template(template, conn=conn, overwrite=overwrite, oob=True)


def page_or_fragment(page_template: str, fragment: str, status: int = 200, **context) -> Response:
    """Render the full page, or only its fragment for htmx, from the same URL."""
    template = fragment if wants_fragment() else page_template
    return varying(make_response(render_template(template, **context), status))


def fragment_or_panel(fragment: str, status: int = 200, **context) -> Response:
    """Render a fragment for htmx; send a browser without JavaScript to the panel instead."""
    if not wants_fragment():
        return varying(redirect(url_for("integration.panel")))
    return varying(make_response(render_template(fragment, **context), status))
