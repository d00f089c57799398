"""Which items stay out of an inventory push, and why, in the merchant's words."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.rules.items import StockItem

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True, slots=True)
class SkipReason:
    """Why an item is not sent: a stable `code` and a merchant-readable `message`."""

    code: str
    message: str


SKIP_PUSH = SkipReason(
    "skip_push", "skip_push is set: this item is kept out of every inventory push"
)


def skip_channel(channel: str) -> SkipReason:
    """The reason for an item whose `skip_<channel>` setting is on."""
    flag = f"skip_{channel}"
    return SkipReason(
        flag, f"{flag} is set: this item is kept out of the push to {channel.upper()}"
    )


def empty_identifier(label: str) -> SkipReason:
    """The reason for an item whose identifier field rendered empty."""
    return SkipReason(
        "empty_identifier", f"{label} is empty for this item, so JOOR cannot identify it"
    )


def is_flag_on(value: object) -> bool:
    """Read a setting's value as on/off: 1, true, yes, on (any case) are on."""
    return isinstance(value, str) and value.strip().lower() in TRUE_VALUES


def _setting(item: StockItem, name: str) -> str | None:
    """Look a setting up by name, ignoring case as merchants type it either way."""
    value = item.metadata.get(name)
    if value is not None:
        return value
    for key, candidate in item.metadata.items():
        if key.strip().lower() == name:
            return candidate
    return None


def should_skip(item: StockItem, channel: str = "joor") -> SkipReason | None:
    """Say why `item` stays out of the push to `channel`, or None when it goes."""
    if not item.metadata:
        return None
    if is_flag_on(_setting(item, "skip_push")):
        return SKIP_PUSH
    if is_flag_on(_setting(item, f"skip_{channel}")):
        return skip_channel(channel)
    return None
