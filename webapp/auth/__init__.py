"""Login and logout."""

# Importing the view modules attaches their routes to bp.
from webapp.auth import (  # noqa: F401
    routes,
)
from webapp.auth.blueprint import bp

__all__ = ["bp"]
