"""Inventory items: the list with inline stock edits, item settings and the CSV import."""

from flask import Blueprint

bp = Blueprint("inventory", __name__, url_prefix="/inventory")

from webapp.inventory import csv_routes, routes  # noqa: E402,F401 - routes attach to bp
