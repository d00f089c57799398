"""The panel page: every section rendered from its own context builder."""

from __future__ import annotations

from flask import redirect, url_for

from webapp.integration.blueprint import bp
from webapp.integration.panel import render_panel


@bp.get("/")
def index():
    """Send the integrations root to the JOOR panel."""
    return redirect(url_for("integration.panel"))


@bp.get("/joor")
def panel():
    """Show the JOOR integration panel."""
    return render_panel()
