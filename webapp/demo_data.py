"""Demo inventory for local runs: items matching the JOOR simulator's catalogue."""

from __future__ import annotations

from webapp.models import Store


def seed_inventory(store: Store) -> int:
    """Add the demo items the store does not have yet; return how many were added."""
    return 0
