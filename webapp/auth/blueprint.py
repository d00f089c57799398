"""The auth blueprint object; the view modules of this package attach their routes to it."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
