"""How an item is identified to JOOR: its UPC, or four style fields from Twig templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from webapp.rules.items import StockItem
from webapp.rules.skips import SkipReason, empty_identifier
from webapp.rules.twig import MAX_SOURCE, CompiledTemplate, TemplateError, compile_template

STYLE_FIELDS: dict[str, str] = {
    "style_number": "Style Number",
    "style_identifier": "Style Identifier",
    "color_code": "Color Code",
    "size": "Size",
}
UPC_LABEL = "UPC"
POINTER_CONTEXT = 40


@dataclass(frozen=True, slots=True)
class IdentifierSettings:
    """The merchant's choice: UPC from the item's code, or four style templates."""

    mode: Literal["upc", "style"]
    templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Identifier:
    """One item's JOOR identity: canonical `key`, JOOR `payload` fields, and its style."""

    key: str
    payload: dict[str, str]
    style_key: str


def _escape(value: str) -> str:
    """Escape the key separator so field values containing '|' cannot collide."""
    return value.replace("\\", "\\\\").replace("|", "\\|")


def style_of_key(key: str) -> str:
    """The style a canonical key belongs to: the UPC, or style number and identifier."""
    kind, _, rest = key.partition(":")
    if kind != "style":
        return rest
    return "|".join(_key_parts(rest)[:2])


def payload_of_key(key: str) -> dict[str, str]:
    """The JOOR fields a canonical key was made from (the inverse of `build`)."""
    kind, _, rest = key.partition(":")
    if kind != "style":
        return {"upc": rest}
    values = [re.sub(r"\\(.)", r"\1", part, flags=re.DOTALL) for part in _key_parts(rest)]
    return dict(zip(STYLE_FIELDS, values, strict=True))


def _key_parts(rest: str) -> list[str]:
    """A style key's fields, split on the separators that are not escaped (still escaped)."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(rest)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))
        elif char == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def field_value(
    template: CompiledTemplate, item: StockItem, *, deadline: float | None = None
) -> str:
    """One field's value for an item, as pushed to JOOR (the settings preview shows the same)."""
    return template.render(item, deadline=deadline).strip()


def error_pointer(source: str, error: TemplateError) -> str | None:
    """The template line an error is on, with a caret under its column."""
    if not error.line or not error.column or len(source) > MAX_SOURCE:
        return None
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if error.line > len(lines):
        return None
    # A window of the line around the column, so a long line still fits the preview.
    start = max(error.column - 1 - POINTER_CONTEXT, 0)
    window = lines[error.line - 1][start : error.column - 1 + POINTER_CONTEXT]
    return window + "\n" + " " * (error.column - 1 - start) + "^"


class IdentifierBuilder:
    """Builds identifiers for items with templates compiled once."""

    __slots__ = ("mode", "_fields")

    def __init__(self, mode: Literal["upc", "style"], fields: dict[str, CompiledTemplate]) -> None:
        self.mode = mode
        self._fields = tuple(fields.items())

    def build(self, item: StockItem) -> Identifier | SkipReason:
        """The item's identifier, or why it has none; a render failure raises TemplateError."""
        if self.mode == "upc":
            upc = (item.code or "").strip()
            if not upc:
                return empty_identifier(UPC_LABEL)
            return Identifier(f"upc:{upc}", {"upc": upc}, upc)
        values: dict[str, str] = {}
        for name, template in self._fields:
            value = field_value(template, item)
            if not value:
                return empty_identifier(template.field)
            values[name] = value
        escaped = [_escape(v) for v in values.values()]
        return Identifier("style:" + "|".join(escaped), values, f"{escaped[0]}|{escaped[1]}")


def compile_identifiers(
    settings: IdentifierSettings, *, now: datetime | None = None
) -> IdentifierBuilder:
    """Compile the four style templates once (UPC mode needs none); raises TemplateError."""
    if settings.mode == "upc":
        return IdentifierBuilder("upc", {})
    if settings.mode != "style":
        raise ValueError(f"unknown identifier mode {settings.mode!r}")
    fields = {
        name: compile_template(settings.templates.get(name, ""), label, now=now)
        for name, label in STYLE_FIELDS.items()
    }
    return IdentifierBuilder("style", fields)
