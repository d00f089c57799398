"""How many of a push's SKUs JOOR may refuse before the push counts as not done (pure)."""

from __future__ import annotations

# A few SKUs JOOR does not know (a UPC not in its catalogue) are normal; past a tenth of the
# push, something shared by many SKUs is wrong (a warehouse, an identifier template).
REFUSED_SHARE_LIMIT = 0.10


def too_many_refused(sent: int, refused: int) -> bool:
    """Tell whether JOOR refused more than the small share of a push's SKUs it may refuse."""
    return sent > 0 and refused > sent * REFUSED_SHARE_LIMIT


def share_text(part: int, whole: int) -> str:
    """A share as a merchant reads it: "68%", or "under 1%" rather than a misleading 0%."""
    if whole <= 0:
        return "0%"
    share = part / whole
    if 0 < share < 0.01:
        return "under 1%"
    return f"{share:.0%}"


def refused_words(sent: int, refused: int) -> str:
    """The run's error for a push JOOR refused too much of, saying the share."""
    if refused >= sent:
        return f"JOOR refused all {sent:,} SKUs sent; the run's events give JOOR's reason for each."
    limit = f"{REFUSED_SHARE_LIMIT:.0%}"
    return (
        f"JOOR refused {refused:,} of the {sent:,} SKUs sent ({share_text(refused, sent)}), "
        f"more than the {limit} a push may lose and still count as done; the run's events "
        "give JOOR's reason for each."
    )
