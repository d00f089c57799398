"""An item's custom settings: `name|value` lines, as the order desk writes them."""

from __future__ import annotations

from collections.abc import Mapping


class MetadataError(ValueError):
    """A metadata line that cannot be read; says which line and why."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_metadata(text: str) -> dict[str, str]:
    """Read `name|value` lines into a dict; blank lines are ignored."""
    result: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if "|" not in line:
            raise MetadataError(number, f"'{line}' has no '|' between name and value")
        name, value = (part.strip() for part in line.split("|", 1))
        if not name:
            raise MetadataError(number, "the name before '|' is empty")
        if name in result:
            raise MetadataError(number, f"'{name}' is set twice")
        result[name] = value
    return result


def format_metadata(values: Mapping[str, str]) -> str:
    """Write settings back as `name|value` lines, one per setting."""
    return "\n".join(f"{name}|{value}" for name, value in values.items())
