"""Inventory items: the list with inline stock edits, item settings and the CSV import."""

# Importing the view modules attaches their routes to bp.
from webapp.inventory import (  # noqa: F401
    csv_routes,
    routes,
)
from webapp.inventory.blueprint import bp

__all__ = ["bp"]
