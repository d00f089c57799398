"""Which setting changes call for a push at once, rather than at the next stock edit."""

from __future__ import annotations

from collections.abc import Iterable

from webapp.rules.identifiers import STYLE_FIELDS

# What JOOR holds depends on these: where stock goes, how it is sent, and how SKUs are named.
PUSH_DECIDING = frozenset({"warehouse", "inventory_mode", "identifier", *STYLE_FIELDS})


def settings_calling_for_push(changed: Iterable[str]) -> list[str]:
    """The changed settings (in order) that decide what JOOR holds; empty when none does."""
    return [name for name in changed if name in PUSH_DECIDING]
