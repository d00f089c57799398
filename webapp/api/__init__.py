"""The JSON API under /api/v1, authenticated by a store's API key (no session, no CSRF)."""

# Importing the view modules attaches their routes to bp.
from webapp.api import (  # noqa: F401
    errors,
    items,
    orders,
)
from webapp.api.blueprint import bp

__all__ = ["bp"]
