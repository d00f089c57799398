"""The JOOR integration panel: one page, its sections served as HTMX partials."""

# Importing the view modules (one per section of the panel) attaches their routes to bp.
from webapp.integration import (  # noqa: F401
    cancel,
    connect,
    details,
    imports,
    live,
    routes,
    runs,
    settings,
)
from webapp.integration.blueprint import bp

__all__ = ["bp"]
