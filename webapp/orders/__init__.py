"""Order desk: orders listed by folder, one order's page, folders and moving orders."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from webapp.orders import folders, refetch, routes  # noqa: E402,F401 - routes attach to bp
