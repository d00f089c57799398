"""PHP's value rules as Twig applies them: text conversion, numbers, truth, comparison."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

from jinja2 import Undefined

# Intermediate strings are capped so a template cannot build megabytes in memory.
MAX_TEXT = 10_000
# PHP integers are 64-bit; past that we refuse rather than grow a Python bignum.
MAX_INT = 2**63 - 1

_INT_RE = re.compile(r"[ \t\n\r\v\f]*[+-]?\d+[ \t\n\r\v\f]*\Z")
_FLOAT_RE = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*\Z")


class TwigValueError(ValueError):
    """A value Twig cannot use the way the template asks; the text is merchant-readable."""


def plain(value: object) -> object:
    """Undefined is Twig's null."""
    return None if isinstance(value, Undefined) else value


def php_float(value: float) -> str:
    """Print a float as PHP does (precision 14, `3.0` prints `3`)."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    text = f"{value:.14G}"
    if "E" not in text:
        return text
    mantissa, exponent = text.split("E")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0') or '0'}"


def to_text(value: object) -> str:
    """Convert a value to text as Twig prints it: null is empty, true is `1`."""
    if type(value) is str:
        return value
    if value is None or value is False or isinstance(value, Undefined):
        return ""
    if value is True:
        return "1"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return php_float(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple, Mapping)):
        raise TwigValueError("a list cannot be printed as text (use join)")
    raise TwigValueError(f"a {type(value).__name__} value cannot be printed as text")


def capped(text: str) -> str:
    """Refuse text longer than MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        raise TwigValueError(f"the text grew longer than {MAX_TEXT:,} characters")
    return text


def parse_number(text: str) -> int | float | None:
    """Read a PHP numeric string, or None when it is not one."""
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    return None


def to_number(value: object) -> int | float:
    """Convert a value for arithmetic as PHP does; refuse text that is not a number."""
    value = plain(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (str, Decimal)):
        number = parse_number(str(value))
        if number is not None:
            return number
        raise TwigValueError(f"'{value}' is not a number")
    raise TwigValueError(f"a {type(value).__name__} value is not a number")


def checked(number: int | float) -> int | float:
    """Refuse numbers past PHP's range instead of computing with them."""
    if isinstance(number, int) and abs(number) > MAX_INT:
        raise TwigValueError("the number is too large")
    if isinstance(number, float) and not math.isfinite(number):
        raise TwigValueError("the number is too large")
    return number


def is_truthy(value: object) -> bool:
    """PHP truth: null, false, 0, 0.0, '', '0' and empty lists are false."""
    value = plain(value)
    if isinstance(value, str):
        return value not in ("", "0")
    if isinstance(value, Decimal):
        return value != 0
    return bool(value)


def _numeric(value: object) -> int | float | None:
    """The number a value compares as, or None when it compares as text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (str, Decimal)):
        return parse_number(str(value))
    return None


def php_compare(left: object, right: object) -> int:
    """Compare two values with PHP 8's loose rules: -1, 0 or 1."""
    left, right = plain(left), plain(right)
    if left is None and right is None:
        return 0
    other = right if left is None else left if right is None else ""
    if isinstance(left, bool) or isinstance(right, bool) or not isinstance(other, str):
        a, b = is_truthy(left), is_truthy(right)
        return (a > b) - (a < b)
    if isinstance(left, (list, tuple, Mapping)) or isinstance(right, (list, tuple, Mapping)):
        return 0 if left == right else (1 if len(left or ()) > len(right or ()) else -1)
    a_num, b_num = _numeric(left), _numeric(right)
    if a_num is not None and b_num is not None:
        return (a_num > b_num) - (a_num < b_num)
    a_text, b_text = to_text(left), to_text(right)
    return (a_text > b_text) - (a_text < b_text)


def php_contains(needle: object, haystack: object) -> bool:
    """Twig's `in`: a substring of text, or loosely equal to a list's or mapping's value."""
    needle, haystack = plain(needle), plain(haystack)
    if isinstance(haystack, str):
        return isinstance(needle, (str, int, float)) and to_text(needle) in haystack
    if isinstance(haystack, Mapping):
        haystack = haystack.values()
    if isinstance(haystack, (list, tuple)) or hasattr(haystack, "__iter__"):
        return any(php_compare(needle, candidate) == 0 for candidate in haystack)
    return False
