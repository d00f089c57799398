"""Twig's core filters on text, numbers and lists, with their parameters, as PHP answers them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from webapp.rules.twig import lists
from webapp.rules.twig.dates import format_date
from webapp.rules.twig.encoding import twig_escape, twig_json_encode, twig_url_encode
from webapp.rules.twig.numbers import twig_abs, twig_number_format, twig_round
from webapp.rules.twig.sprintf import sprintf
from webapp.rules.twig.values import (
    TwigValueError,
    capped,
    is_array,
    pairs,
    to_int,
    to_text,
    values_of,
)

PHP_TRIM = " \t\n\r\0\x0b"
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_BETWEEN_TAGS = re.compile(r">[ \t\n\r\x0b\f]+<")
_NEWLINE = re.compile(r"\r\n|\n\r|\n|\r")
REQUIRED = object()


def twig_default(value: object, default: object = "") -> object:
    """The default when the value is null, false, '' or an empty array."""
    if value is None or value is False or value == "":
        return default
    if is_array(value) and not values_of(value):
        return default
    return value


def twig_trim(value: object, characters: object = None, side: object = "both") -> str:
    """Trim whitespace (PHP's set) or the given characters from one or both ends."""
    chars = PHP_TRIM if characters is None else to_text(characters)
    text = to_text(value)
    strip = {"both": text.strip, "left": text.lstrip, "right": text.rstrip}.get(side)  # type: ignore[call-overload]
    if strip is None:
        raise TwigValueError("trim side must be 'left', 'right' or 'both'")
    return strip(chars)


def twig_capitalize(value: object) -> str:
    text = to_text(value)
    return text[:1].upper() + text[1:].lower()


def twig_title(value: object) -> str:
    """Title case as PHP's mb_convert_case: an apostrophe does not start a word."""
    out: list[str] = []
    in_word = False
    for char in to_text(value):
        if char.isalpha():
            out.append(char.lower() if in_word else char.upper())
            in_word = True
        else:
            out.append(char)
            in_word = in_word and char in "'\u2019"
    return "".join(out)


def twig_split(value: object, delimiter: object, limit: object = None) -> list[str]:
    """PHP's explode, or characters (in chunks of `limit`) when the delimiter is empty."""
    text, sep = to_text(value), to_text(delimiter)
    if not sep:
        size = 1 if limit is None else to_int(limit)
        if size <= 1:
            return list(text) or [""]
        return (
            [text[i : i + size] for i in range(0, len(text), size)] if len(text) >= size else [text]
        )
    parts = text.split(sep)
    if limit is None:
        return parts
    size = to_int(limit)
    if size > 0:
        return parts if len(parts) <= size else [*parts[: size - 1], sep.join(parts[size - 1 :])]
    return parts[:size] if size < 0 else [text]


def twig_join(value: object, glue: object = "", last_glue: object = None) -> Any:
    """Join values as text; `last_glue` goes between the last two."""
    items = values_of(value) if is_array(value) else ([] if value is None else [value])
    if not items:
        return ""
    sep = to_text(glue)
    texts = [to_text(item) for item in items]
    if last_glue is None or last_glue == glue:
        return capped(sep.join(texts))
    if len(items) == 1:
        return items[0]
    return capped(sep.join(texts[:-1]) + to_text(last_glue) + texts[-1])


def twig_replace(value: object, replacements: object) -> str:
    """PHP's strtr: the longest match first, replaced text is never scanned again."""
    if not is_array(replacements):
        raise TwigValueError("replace needs a mapping, like replace({'a': 'b'})")
    text = to_text(value)
    table = {to_text(k): to_text(v) for k, v in pairs(replacements) if to_text(k)}
    if not table:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return capped(pattern.sub(lambda match: table[match.group(0)], text))


def twig_format(value: object, *args: object) -> str:
    return capped(sprintf(to_text(value), args))


def twig_date(run: Any, value: object, pattern: object = None, timezone: object = None) -> str:
    """Format a date in UTC; `now` comes from the render, never from the clock."""
    return format_date(value, None if pattern is None else to_text(pattern), run.now)


FILTERS: dict[str, Callable[..., Any]] = {
    "abs": twig_abs,
    "batch": lists.twig_batch,
    "capitalize": twig_capitalize,
    "column": lists.twig_column,
    "date": twig_date,
    "default": twig_default,
    "e": twig_escape,
    "escape": twig_escape,
    "filter": lists.twig_filter,
    "first": lists.twig_first,
    "format": twig_format,
    "join": twig_join,
    "json_encode": twig_json_encode,
    "keys": lists.twig_keys,
    "last": lists.twig_last,
    "length": lists.twig_length,
    "lower": lambda value: to_text(value).lower(),
    "map": lists.twig_map,
    "merge": lists.twig_merge,
    "nl2br": lambda value: capped(_NEWLINE.sub(lambda m: "<br />" + m.group(0), to_text(value))),
    "number_format": twig_number_format,
    "raw": lambda value: value,
    "reduce": lists.twig_reduce,
    "replace": twig_replace,
    "reverse": lists.twig_reverse,
    "round": twig_round,
    "slice": lists.twig_slice,
    "sort": lists.twig_sort,
    "spaceless": lambda value: _BETWEEN_TAGS.sub("><", to_text(value)).strip(PHP_TRIM),
    "split": twig_split,
    "striptags": lambda value, allowed=None: _TAG.sub("", to_text(value)),
    "title": twig_title,
    "trim": twig_trim,
    "upper": lambda value: to_text(value).upper(),
    "url_encode": twig_url_encode,
}
NEEDS_RUN = frozenset({"date"})
# Each filter's parameters after the value, with their defaults, for named arguments.
PARAMS: dict[str, tuple[tuple[str, object], ...]] = {
    "batch": (("size", REQUIRED), ("fill", None), ("preserve_keys", True)),
    "column": (("name", REQUIRED), ("index", None)),
    "date": (("format", None), ("timezone", None)),
    "default": (("default", ""),),
    "escape": (("strategy", "html"), ("charset", None), ("autoescape", False)),
    "filter": (("arrow", REQUIRED),),
    "join": (("glue", ""), ("and", None)),
    "json_encode": (("flags", 0), ("depth", 512)),
    "map": (("arrow", REQUIRED),),
    "merge": (("arr2", REQUIRED),),
    "number_format": (("decimal", None), ("decimal_point", None), ("thousand_sep", None)),
    "reduce": (("arrow", REQUIRED), ("initial", None)),
    "replace": (("from", REQUIRED),),
    "reverse": (("preserve_keys", False),),
    "round": (("precision", 0), ("method", "common")),
    "slice": (("start", REQUIRED), ("length", None), ("preserve_keys", False)),
    "sort": (("arrow", None),),
    "split": (("delimiter", REQUIRED), ("limit", None)),
    "striptags": (("allowable_tags", None),),
    "trim": (("character_mask", None), ("side", "both")),
}
PARAMS["e"] = PARAMS["escape"]


def bind_arguments(name: str, args: tuple, named: tuple, pos: int) -> list:
    """A filter's arguments in parameter order: named ones placed, skipped ones defaulted."""
    from webapp.rules.twig.parser import Node

    if name == "format":
        if named:
            raise TwigValueError("format takes its values in order, not by name", pos)
        return list(args)
    params = PARAMS.get(name, ())
    if len(args) > len(params):
        raise TwigValueError(f"{name} takes at most {len(params)} values", pos)
    slots: list[Any] = list(args) + [None] * (len(params) - len(args))
    for key, value in named:
        index = next((i for i, (p, _) in enumerate(params) if p == key), None)
        if index is None or slots[index] is not None:
            raise TwigValueError(f"{name} has no argument named '{key}' here", value.pos)
        slots[index] = value
    last = max((i for i, slot in enumerate(slots) if slot is not None), default=-1)
    bound = []
    for index, slot in enumerate(slots[: last + 1]):
        if slot is None:
            default = params[index][1]
            if default is REQUIRED:
                raise TwigValueError(f"{name} needs its '{params[index][0]}' argument", pos)
            slot = Node("const", pos, default)
        bound.append(slot)
    missing = [p for i, (p, d) in enumerate(params) if d is REQUIRED and i > last]
    if missing:
        raise TwigValueError(f"{name} needs its '{missing[0]}' argument", pos)
    arrow = bound[0] if bound and params[0][0] == "arrow" else None
    if arrow is not None and arrow.kind not in ("arrow", "name") and arrow.parts != (None,):
        raise TwigValueError(f"{name} needs an arrow function, like (x) => x", arrow.pos)
    return bound
