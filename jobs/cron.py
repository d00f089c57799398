"""The clock's tick: what runs once a minute."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def tick() -> dict:
    """Enqueue the work that is due; return what was enqueued, for logs and tests."""
    return {}
