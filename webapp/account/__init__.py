"""Account settings: the store, its API key and its alert channels."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webapp.account import alerts, password, routes  # noqa: E402,F401 - routes attach to bp
