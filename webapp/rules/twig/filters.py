"""Twig's filters with Twig's answers, for the sandboxed environment."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from jinja2 import Undefined, pass_context
from jinja2.runtime import Context

from webapp.rules.twig.dates import format_date
from webapp.rules.twig.numbers import twig_abs, twig_number_format, twig_round
from webapp.rules.twig.sprintf import sprintf
from webapp.rules.twig.values import (
    TwigValueError,
    capped,
    php_float,
    plain,
    to_number,
    to_text,
)

PHP_TRIM = " \t\n\r\0\x0b"
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def _seq(value: object) -> list[Any] | None:
    """The elements of a list or a mapping's values; None for anything else."""
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def twig_default(value: object, default: object = "") -> object:
    """The default when the value is undefined, null, false, '' or an empty list."""
    if isinstance(value, Undefined) or value is None or value is False or value == "":
        return default
    if isinstance(value, (list, tuple, Mapping)) and len(value) == 0:
        return default
    return value


def twig_upper(value: object) -> str:
    return to_text(plain(value)).upper()


def twig_lower(value: object) -> str:
    return to_text(plain(value)).lower()


def twig_trim(value: object, characters: object = None, side: str = "both") -> str:
    """Trim whitespace (PHP's set) or the given characters from one or both ends."""
    chars = PHP_TRIM if plain(characters) is None else to_text(characters)
    text = to_text(plain(value))
    strip = {"both": text.strip, "left": text.lstrip, "right": text.rstrip}.get(side)
    if strip is None:
        raise TwigValueError("trim side must be 'left', 'right' or 'both'")
    return strip(chars)


def twig_capitalize(value: object) -> str:
    text = to_text(plain(value))
    return text[:1].upper() + text[1:].lower()


def twig_title(value: object) -> str:
    """Title case as PHP's mb_convert_case: an apostrophe does not start a word."""
    out: list[str] = []
    in_word = False
    for char in to_text(plain(value)):
        if char.isalpha():
            out.append(char.lower() if in_word else char.upper())
            in_word = True
        else:
            out.append(char)
            in_word = in_word and char in "'\u2019"
    return "".join(out)


def twig_length(value: object) -> int:
    value = plain(value)
    if value is None:
        return 0
    if isinstance(value, (list, tuple, Mapping)):
        return len(value)
    return len(to_text(value))


def _substr(text: str, start: int, length: int | None) -> str:
    """PHP's mb_substr: negative start counts from the end, negative length leaves off."""
    size = len(text)
    begin = max(size + start, 0) if start < 0 else min(start, size)
    if length is None:
        return text[begin:]
    end = size + length if length < 0 else begin + length
    return text[begin:end] if end > begin else ""


def twig_slice(value: object, start: object, length: object = None, preserve: bool = False) -> Any:
    """Twig's slice(start, length) on text, lists and mappings."""
    value = plain(value)
    begin = int(to_number(start))
    count = None if plain(length) is None else int(to_number(length))
    if isinstance(value, (list, tuple, Mapping)):
        keys = list(value.keys() if isinstance(value, Mapping) else range(len(value)))
        chosen = _substr_list(keys, begin, count)
        if isinstance(value, Mapping):
            return {key: value[key] for key in chosen}
        return [value[key] for key in chosen]
    return _substr(to_text(value), begin, count)


def _substr_list(keys: list[Any], start: int, length: int | None) -> list[Any]:
    """array_slice on a list of keys, with mb_substr's index rules."""
    size = len(keys)
    begin = max(size + start, 0) if start < 0 else min(start, size)
    if length is None:
        return keys[begin:]
    end = size + length if length < 0 else begin + length
    return keys[begin:end] if end > begin else []


def twig_first(value: object) -> Any:
    part = twig_slice(value, 0, 1)
    if isinstance(part, str):
        return part
    items = _seq(part) or []
    return items[0] if items else False


def twig_last(value: object) -> Any:
    part = twig_slice(value, -1, 1)
    if isinstance(part, str):
        return part
    items = _seq(part) or []
    return items[0] if items else False


def twig_split(value: object, delimiter: object, limit: object = None) -> list[str]:
    """PHP's explode, or fixed-size chunks when the delimiter is empty."""
    text, sep = to_text(plain(value)), to_text(plain(delimiter))
    size = None if plain(limit) is None else int(to_number(limit))
    if not sep:
        step = 1 if size is None or size < 1 else size
        return [text[i : i + step] for i in range(0, len(text), step)] or [""]
    parts = text.split(sep)
    if size is None:
        return parts
    if size > 0:
        return parts if len(parts) <= size else [*parts[: size - 1], sep.join(parts[size - 1 :])]
    return parts[:size] if size < 0 else [text]


def twig_join(value: object, glue: object = "", last_glue: object = None) -> str:
    """Join values as text; `last_glue` goes between the last two."""
    value = plain(value)
    items = _seq(value)
    if items is None:
        items = [] if value is None else [value]
    texts = [to_text(plain(item)) for item in items]
    sep = to_text(plain(glue))
    if plain(last_glue) is None or len(texts) < 2:
        return capped(sep.join(texts))
    return capped(sep.join(texts[:-1]) + to_text(last_glue) + texts[-1])


def twig_replace(value: object, pairs: object, new: object = None) -> str:
    """PHP's strtr: the longest match first, replaced text is never scanned again."""
    text = to_text(plain(value))
    if isinstance(pairs, str) and new is not None:
        pairs = {pairs: new}
    if not isinstance(pairs, Mapping):
        raise TwigValueError("replace needs a mapping, like replace({'a': 'b'})")
    table = {to_text(k): to_text(plain(v)) for k, v in pairs.items() if to_text(k)}
    if not table:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return capped(pattern.sub(lambda match: table[match.group(0)], text))


def twig_format(value: object, *args: object) -> str:
    return capped(sprintf(to_text(plain(value)), [plain(arg) for arg in args]))


@pass_context
def twig_date(
    context: Context, value: object, pattern: object = None, timezone: object = None
) -> str:
    """Format a date in UTC; `now` comes from the render, never from the clock."""
    pattern = None if plain(pattern) is None else to_text(pattern)
    return format_date(value, pattern, context.parent.get("_now"))


def twig_striptags(value: object, allowed: object = None) -> str:
    return _TAG.sub("", to_text(plain(value)))


def twig_url_encode(value: object) -> str:
    """rawurlencode text; a mapping becomes a query string."""
    value = plain(value)
    if isinstance(value, Mapping):
        return "&".join(
            f"{quote(to_text(k), safe='')}={quote(to_text(plain(v)), safe='')}"
            for k, v in value.items()
        )
    return quote(to_text(value), safe="-_.~")


def twig_escape(value: object, strategy: object = "html") -> str:
    text = to_text(plain(value))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(char, entity)
    return text.replace("'", "&#039;")


def twig_keys(value: object) -> list[Any]:
    value = plain(value)
    if isinstance(value, Mapping):
        return list(value.keys())
    return list(range(len(value))) if isinstance(value, (list, tuple)) else []


def twig_reverse(value: object) -> Any:
    value = plain(value)
    if isinstance(value, (list, tuple)):
        return list(reversed(value))
    if isinstance(value, Mapping):
        return dict(reversed(list(value.items())))
    return to_text(value)[::-1]


FILTERS: dict[str, Callable[..., Any]] = {
    "abs": twig_abs,
    "capitalize": twig_capitalize,
    "date": twig_date,
    "default": twig_default,
    "e": twig_escape,
    "escape": twig_escape,
    "first": twig_first,
    "format": twig_format,
    "join": twig_join,
    "keys": twig_keys,
    "last": twig_last,
    "length": twig_length,
    "lower": twig_lower,
    "number_format": twig_number_format,
    "raw": lambda value: value,
    "replace": twig_replace,
    "reverse": twig_reverse,
    "round": twig_round,
    "slice": twig_slice,
    "split": twig_split,
    "striptags": twig_striptags,
    "title": twig_title,
    "trim": twig_trim,
    "upper": twig_upper,
    "url_encode": twig_url_encode,
}

TESTS: dict[str, Callable[..., bool]] = {
    "defined": lambda value: not isinstance(value, Undefined),
    "empty": lambda value: twig_default(value, None) is None,
    "null": lambda value: plain(value) is None,
    "none": lambda value: plain(value) is None,
    "even": lambda value: int(to_number(value)) % 2 == 0,
    "odd": lambda value: int(to_number(value)) % 2 == 1,
    "iterable": lambda value: isinstance(plain(value), (list, tuple, Mapping)),
}

__all__ = ["FILTERS", "TESTS", "php_float"]
