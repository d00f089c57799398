"""Twig's `is` tests with PHP's answers (`defined` is compiled apart: it needs the name)."""

from __future__ import annotations

from collections.abc import Callable

from webapp.rules.twig.operators import BINARY
from webapp.rules.twig.values import is_array, length_of, php_equal, php_identical

_MODULO = BINARY["%"]


def is_empty(value: object) -> bool:
    """Twig's empty: '', false, null and an empty array (but not 0 or '0')."""
    if value is None or value is False or value == "":
        return True
    return is_array(value) and length_of(value) == 0


TESTS: dict[str, Callable[..., bool]] = {
    "defined": lambda value: True,
    "empty": is_empty,
    "null": lambda value: value is None,
    "none": lambda value: value is None,
    "even": lambda value: php_equal(_MODULO(value, 2), 0),
    "odd": lambda value: not php_equal(_MODULO(value, 2), 0),
    "iterable": is_array,
    "divisible by": lambda value, by: php_equal(_MODULO(value, by), 0),
    "same as": php_identical,
}
