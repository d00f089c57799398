"""The orders blueprint object; the view modules of this package attach their routes to it."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")
