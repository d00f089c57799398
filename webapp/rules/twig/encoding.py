"""Twig's escape, url_encode and json_encode filters, as PHP encodes."""

from __future__ import annotations

import json
import math
from urllib.parse import quote

from webapp.rules.twig.values import TwigValueError, capped, is_array, pairs, to_text

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}


def _rawurlencode(text: str) -> str:
    return quote(text, safe="-_.~")


def twig_escape(value: object, strategy: object = "html", charset: object = None, auto=False):
    """htmlspecialchars (or rawurlencode for 'url'); values that are not text pass as they are."""
    if strategy not in ("html", "url"):
        raise TwigValueError("escape supports the 'html' and 'url' strategies")
    if not isinstance(value, str):
        return value
    if strategy == "url":
        return capped(_rawurlencode(value))
    return capped("".join(_HTML.get(char, char) for char in value))


def _query(value: object, prefix: str | None) -> list[str]:
    parts: list[str] = []
    for key, item in pairs(value):
        name = (
            _rawurlencode(to_text(key))
            if prefix is None
            else f"{prefix}%5B{_rawurlencode(to_text(key))}%5D"
        )
        if item is None:
            continue
        if is_array(item):
            parts += _query(item, name)
        elif item is True or item is False:
            parts.append(f"{name}={int(item)}")
        else:
            parts.append(f"{name}={_rawurlencode(to_text(item))}")
    return parts


def twig_url_encode(value: object) -> str:
    """rawurlencode text; an array becomes a query string (RFC 3986)."""
    if is_array(value):
        return capped("&".join(_query(value, None)))
    return capped(_rawurlencode(to_text(value)))


def _json_float(number: float) -> str:
    if not math.isfinite(number):
        raise TwigValueError("json_encode cannot encode an infinite number")
    text = repr(number)
    if "e" in text:
        mantissa, exponent = text.split("e")
        mantissa += "" if "." in mantissa else ".0"
        return f"{mantissa}e{int(exponent):+d}"
    return text


def _json(value: object) -> str:
    if value is None or value is True or value is False:
        return json.dumps(value)
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return _json_float(value)
    if isinstance(value, str):
        return json.dumps(value).replace("/", "\\/")
    if type(value) is list:
        return "[" + ",".join(_json(item) for item in value) + "]"
    if is_array(value):
        body = ",".join(f"{_json(str(k))}:{_json(v)}" for k, v in pairs(value))
        return "{" + body + "}"
    raise TwigValueError("json_encode cannot encode this value")


def twig_json_encode(value: object, flags: object = 0, depth: object = 512) -> str:
    """json_encode with PHP's default flags: escaped slashes and \\u escapes."""
    if flags not in (0, None):
        raise TwigValueError("json_encode takes no options here")
    return capped(_json(value))
