"""Account settings: the store, its API key and its alert channels."""

# Importing the view modules attaches their routes to bp.
from webapp.account import (  # noqa: F401
    alerts,
    password,
    routes,
)
from webapp.account.blueprint import bp

__all__ = ["bp"]
