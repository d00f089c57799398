"""The JOOR integration panel: one page, its sections served as HTMX partials."""

from flask import Blueprint

bp = Blueprint("integration", __name__, url_prefix="/integrations")

# Views attach to bp on import; one module per section of the panel.
from webapp.integration import (  # noqa: E402,F401
    cancel,
    connect,
    details,
    imports,
    live,
    routes,
    runs,
    settings,
)
