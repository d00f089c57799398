"""JOOR hosts, paths and codes: the wire choices kept in one place."""

from __future__ import annotations

from webapp.joor.errors import JoorConfigError

PRODUCTION_URL = "https://api.jooraccess.com/v2"
SANDBOX_URL = "https://apisandbox.jooraccess.com/v2"

# Labels for forms, in the order a form shows them.
ENVIRONMENTS: dict[str, str] = {
    "production": "Production",
    "sandbox": "Sandbox (JOOR test)",
    "local": "Local simulator",
}

_FIXED_URLS = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}

# The orders path is not documented: the client finds it (dialect.ORDERS_PATHS).

# One order by its id: the only form the public callers of v2 use (JOOR_API.md).
ORDER_PATH = "/order/{order_id}"
INVENTORY_PATH = "/bulk-inventory"
MAX_PAGE_SIZE = 100

# JOOR's export_status 1 = all orders, exported or not: we never depend on JOOR's marking.
EXPORT_STATUS_ALL = 1

# Our setting names (DESIGN.md "Setting names") to JOOR's order_type codes.
ORDER_TYPES: dict[str, int] = {
    "approved": 6,
    "approved_shipped": 2,
    "shipped": 7,
    "pending": 3,
    "all_but_cancelled": 4,
}


def resolve_base_url(environment: str, local_url: str | None = None) -> str:
    """Return the base URL for an environment name; "local" needs local_url."""
    if environment in _FIXED_URLS:
        return _FIXED_URLS[environment]
    if environment == "local":
        if not local_url:
            raise JoorConfigError(
                "The local JOOR environment needs JOOR_LOCAL_URL to be set.",
                user_message="The local simulator is not configured on this server.",
            )
        return local_url.rstrip("/")
    raise JoorConfigError(
        f"Unknown JOOR environment {environment!r}; expected one of {', '.join(ENVIRONMENTS)}.",
        user_message="Choose Production or Sandbox as the JOOR environment.",
    )


def available_environments(local_url: str | None = None) -> list[tuple[str, str]]:
    """Return (name, label) choices for a form; "local" only when a local URL is configured."""
    return [(name, label) for name, label in ENVIRONMENTS.items() if name != "local" or local_url]


def order_type_code(setting: str) -> int:
    """Return JOOR's order_type code for one of our order_type setting names."""
    try:
        return ORDER_TYPES[setting]
    except KeyError:
        raise JoorConfigError(
            f"Unknown order type {setting!r}; expected one of {', '.join(ORDER_TYPES)}.",
            user_message="Choose which JOOR orders to download.",
        ) from None
