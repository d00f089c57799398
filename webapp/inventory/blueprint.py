"""The inventory blueprint object; the view modules of this package attach their routes to it."""

from flask import Blueprint

bp = Blueprint("inventory", __name__, url_prefix="/inventory")
