"""The api blueprint object; the view modules of this package attach their routes to it."""

from flask import Blueprint

from webapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer keys, not cookies, authenticate here, so a cross-site form cannot forge a call.
csrf.exempt(bp)
