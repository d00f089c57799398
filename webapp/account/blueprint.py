"""The account blueprint object; the view modules of this package attach their routes to it."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")
