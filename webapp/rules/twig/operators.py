"""Twig's binary operators with PHP 8's answers: arithmetic, comparison, text and lists."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from webapp.rules.items import StockItem
from webapp.rules.twig.frames import need_arrow
from webapp.rules.twig.values import (
    MAX_INT,
    TwigValueError,
    capped,
    checked,
    is_array,
    lookup,
    make_array,
    pairs,
    php_compare,
    php_equal,
    to_int,
    to_number,
    to_text,
    values_of,
)


def _overflow(number: int | float) -> int | float:
    """PHP turns an int past 64 bits into a float; we refuse such a number instead."""
    return checked(number)


def add(a: object, b: object) -> Any:
    if is_array(a) and is_array(b):
        merged = list(pairs(a))
        seen = {k for k, _ in merged}
        merged += [(k, v) for k, v in pairs(b) if k not in seen]
        return make_array(merged)
    return _overflow(to_number(a) + to_number(b))


def _divide(a: object, b: object) -> int | float:
    x, y = to_number(a), to_number(b)
    if y == 0:
        raise TwigValueError("division by zero")
    if type(x) is int and type(y) is int and x % y == 0:
        return checked(x // y)
    return checked(x / y)


def _floor_divide(a: object, b: object) -> int:
    quotient = _divide(a, b)
    return int(math.floor(quotient))


def _modulo(a: object, b: object) -> int:
    x, y = to_int(a), to_int(b)
    if y == 0:
        raise TwigValueError("modulo by zero")
    remainder = abs(x) % abs(y)
    return remainder if x >= 0 else -remainder


def _power(a: object, b: object) -> int | float:
    """PHP's `**`, refusing what would pass 64 bits rather than building it."""
    x, y = to_number(a), to_number(b)
    if type(x) is int and type(y) is int and y >= 0:
        if x not in (0, 1, -1) and y * (abs(x).bit_length() - 1) > 64:
            raise TwigValueError("the number is too large")
        return checked(x**y)
    try:
        return checked(float(x) ** float(y))
    except (OverflowError, ZeroDivisionError):
        raise TwigValueError("the number is too large") from None
    except TypeError:
        raise TwigValueError("the number is not a real number") from None


def _bitwise(op: Callable[[int, int], int], longest: bool) -> Callable[[object, object], Any]:
    """PHP's `&`, `|`, `^`: on two texts byte by byte, otherwise on integers."""

    def apply(a: object, b: object) -> Any:
        if type(a) is str and type(b) is str:
            x, y = a.encode(), b.encode()
            size = min(len(x), len(y))
            out = bytes(op(p, q) for p, q in zip(x[:size], y[:size], strict=True))
            if longest:
                out += x[size:] + y[size:]
            try:
                return out.decode()
            except UnicodeDecodeError:
                raise TwigValueError("b-and, b-or and b-xor on this text make no text") from None
        return op(to_int(a), to_int(b))

    return apply


def concat(a: object, b: object) -> str:
    return capped(to_text(a) + to_text(b))


def contains(needle: object, haystack: object) -> bool:
    """Twig's `in`: a substring of text, or loosely equal to one of an array's values."""
    if type(haystack) is str:
        if type(needle) in (str, int, float):
            text = to_text(needle)
            return text == "" or text in haystack
        return False
    if not is_array(haystack):
        return False
    return any(php_equal(needle, candidate) for _, candidate in pairs(haystack))


def starts_with(a: object, b: object) -> bool:
    return type(a) is str and type(b) is str and a.startswith(b)


def ends_with(a: object, b: object) -> bool:
    return type(a) is str and type(b) is str and (b == "" or a.endswith(b))


def php_range(low: object, high: object, step: object = 1) -> list[Any]:
    """PHP 8.2's range(): inclusive, numbers or single letters, bounded by MAX_RANGE."""
    from webapp.rules.twig.functions import MAX_RANGE, range_values

    return range_values(low, high, step, MAX_RANGE)


def _some(array: object, arrow: object) -> bool:
    need_arrow(arrow, "has some", "(x) => x > 1")
    return any(arrow(v, k) for k, v in pairs(array))  # type: ignore[operator]


def _every(array: object, arrow: object) -> bool:
    need_arrow(arrow, "has every", "(x) => x > 1")
    return all(arrow(v, k) for k, v in pairs(array))  # type: ignore[operator]


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": add,
    "-": lambda a, b: _overflow(to_number(a) - to_number(b)),
    "*": lambda a, b: _overflow(to_number(a) * to_number(b)),
    "/": _divide,
    "//": _floor_divide,
    "%": _modulo,
    "**": _power,
    "~": concat,
    "==": php_equal,
    "!=": lambda a, b: not php_equal(a, b),
    "<": lambda a, b: php_compare(a, b) < 0,
    ">": lambda a, b: php_compare(a, b) > 0,
    "<=": lambda a, b: php_compare(a, b) <= 0,
    ">=": lambda a, b: php_compare(a, b) >= 0,
    "<=>": php_compare,
    "in": contains,
    "not in": lambda a, b: not contains(a, b),
    "starts with": starts_with,
    "ends with": ends_with,
    "..": php_range,
    "b-and": _bitwise(lambda a, b: a & b, False),
    "b-or": _bitwise(lambda a, b: a | b, True),
    "b-xor": _bitwise(lambda a, b: a ^ b, False),
    "has some": _some,
    "has every": _every,
}


def negate(value: object) -> int | float:
    number = to_number(value)
    return float(-number) if number == -MAX_INT - 1 else -number


def unary_plus(value: object) -> int | float:
    return to_number(value)


def as_list(value: object) -> list[Any]:
    """An array's values; StockItem reads as its array."""
    if isinstance(value, StockItem):
        return values_of(value)
    return values_of(value) if is_array(value) else []


__all__ = ["BINARY", "lookup", "negate", "unary_plus"]
