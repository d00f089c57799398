"""The integration blueprint object; the view modules of this package attach their routes to it."""

from flask import Blueprint

bp = Blueprint("integration", __name__, url_prefix="/integrations")
