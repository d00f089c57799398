"""The JSON API under /api/v1, authenticated by a store's API key (no session, no CSRF)."""

from flask import Blueprint

from webapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer keys, not cookies, authenticate here, so a cross-site form cannot forge a call.
csrf.exempt(bp)

from webapp.api import errors, items, orders  # noqa: E402,F401 - routes attach to bp
