"""Order desk: orders listed by folder, one order's page, folders and moving orders."""

# Importing the view modules attaches their routes to bp.
from webapp.orders import (  # noqa: F401
    folders,
    refetch,
    review,
    routes,
)
from webapp.orders.blueprint import bp

__all__ = ["bp"]
