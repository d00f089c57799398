"""What the client learned of how one JOOR account answers, kept between calls and runs.

JOOR's public reference leaves the orders path, the paging scheme and the date form open
(JOOR_API.md, "Confirmed or guessed"). The client finds each out once and remembers it here;
the caller keeps it with the connection (``as_dict``/``from_dict``) and forgets it when the
token or the environment changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

# The orders path: ours first (JOOR's v4 page names "v2 GET /orders"), then the one the
# only working public callers use. Fixed paths: nothing JOOR answers can add another.
ORDERS_PATHS = ("/orders", "/order/")

OFFSET = "offset"  # start_from counts orders
PAGES = "page-numbers"  # start_from counts pages from 1 (0 reads as the first page too)
PAGES_FROM_0 = "page-numbers-from-0"  # start_from counts pages from 0
NEXT_KEY = "next-key"  # every answer names where the next page starts
PAGING_SCHEMES = (OFFSET, PAGES, PAGES_FROM_0, NEXT_KEY)

PLAIN_DATES = "plain"  # 2026-11-01T09:30:00Z
FRACTION_DATES = "fraction"  # 2026-11-01T09:30:00.000Z, JOOR's documented YYYY-MM-DDThh:mm:ss.sTZD

PAGING_WORDS = {
    OFFSET: "by position (start_from counts orders)",
    PAGES: "by page number (start_from counts pages from 1)",
    PAGES_FROM_0: "by page number (start_from counts pages from 0)",
    NEXT_KEY: "by the next position each answer names",
}


@dataclass
class Dialect:
    """The orders path, paging scheme, date form and inventory answer met so far (None: not yet)."""

    orders_path: str | None = None
    paging: str | None = None
    date_form: str | None = None
    inventory_answer: str | None = None

    @classmethod
    def from_dict(cls, stored: dict[str, Any] | None) -> Dialect:
        """Rebuild from what the connection kept; unknown or bad values are forgotten."""
        stored = stored if isinstance(stored, dict) else {}
        found = cls(**{f.name: stored.get(f.name) for f in fields(cls)})
        if found.orders_path not in ORDERS_PATHS:
            found.orders_path = None
        if found.paging not in PAGING_SCHEMES:
            found.paging = None
        if found.date_form not in (PLAIN_DATES, FRACTION_DATES):
            found.date_form = None
        if not isinstance(found.inventory_answer, str):
            found.inventory_answer = None
        return found

    def as_dict(self) -> dict[str, Any]:
        """What the connection keeps (only what is known)."""
        return {name: value for name, value in asdict(self).items() if value is not None}

    def other_path(self, path: str) -> str:
        """The orders path to try when `path` is not JOOR's."""
        return ORDERS_PATHS[1] if path == ORDERS_PATHS[0] else ORDERS_PATHS[0]
