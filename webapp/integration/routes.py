"""The panel page."""

from flask import redirect, render_template, url_for

from webapp.integration import bp


@bp.get("/")
def index():
    """Send the integrations root to the JOOR panel."""
    return redirect(url_for("integration.panel"))


@bp.get("/joor")
def panel():
    """Show the JOOR integration panel."""
    return render_template("integration/panel.html")
