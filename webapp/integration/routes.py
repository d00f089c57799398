"""The panel page: every section rendered from its own context builder."""

from __future__ import annotations

from flask import make_response, redirect, render_template, url_for

from webapp.integration.alerts import alert_banner
from webapp.integration.blueprint import bp
from webapp.integration.common import store_connection, varying
from webapp.integration.connect import connect_context, status_context
from webapp.integration.details import details_context
from webapp.integration.forms import ConnectForm, ImportForm, SettingsForm
from webapp.integration.imports import import_context
from webapp.integration.live import recent_context
from webapp.integration.settings import settings_context


def render_panel(
    status: int = 200,
    *,
    connect: ConnectForm | None = None,
    settings: SettingsForm | None = None,
    import_form: ImportForm | None = None,
):
    """Render the whole panel, keeping a submitted form (and its errors) where given."""
    conn = store_connection()
    html = render_template(
        "integration/panel.html",
        status_ctx=status_context(conn),
        connect_ctx=connect_context(conn, connect),
        details_ctx=details_context(conn),
        settings_ctx=settings_context(conn, settings),
        import_ctx=import_context(import_form),
        recent=recent_context(),
        alert_banner=alert_banner(conn.store_id),
    )
    return varying(make_response(html, status))


@bp.get("/")
def index():
    """Send the integrations root to the JOOR panel."""
    return redirect(url_for("integration.panel"))


@bp.get("/joor")
def panel():
    """Show the JOOR integration panel."""
    return render_panel()
