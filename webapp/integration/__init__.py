"""The JOOR integration panel."""

from flask import Blueprint

bp = Blueprint("integration", __name__, url_prefix="/integrations")

from webapp.integration import routes  # noqa: E402,F401 - routes attach to bp
