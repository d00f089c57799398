"""PHP 8's value rules as Twig applies them: text, numbers, truth, comparison and arrays.

Values are Python's: None, bool, int (64-bit), float, str, a list for an array keyed 0..n-1
in order, a dict (keys int or str, as PHP normalises them) for any other array, and the
StockItem, which reads as the array the order desk hands to Twig.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from webapp.rules.items import StockItem

# Intermediate strings are capped so a template cannot build megabytes in memory.
MAX_TEXT = 10_000
# PHP integers are 64-bit; past that we refuse rather than grow a Python bignum.
MAX_INT = 2**63 - 1
PHP_SPACE = " \t\n\r\v\f"

_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*\Z")
_LEADING = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INT_TEXT = re.compile(r"[ \t\n\r\v\f]*[+-]?\d+[ \t\n\r\v\f]*\Z")
_INT_KEY = re.compile(r"(0|-?[1-9]\d*)\Z")


class TwigValueError(ValueError):
    """A value Twig cannot use the way the template asks; the text is merchant-readable."""

    def __init__(self, reason: str, pos: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pos = pos


def item_field(item: StockItem, name: str) -> Any:
    """A field of the item as PHP receives it: prices as decimal text, stock as a number."""
    value = getattr(item, name)
    if isinstance(value, Decimal):
        if name == "stock" and value == value.to_integral_value():
            return int(value)
        return format(value, "f")
    return value


def item_array(item: StockItem) -> dict[str, Any]:
    """The whole item as the array PHP sees."""
    names = ("id", "code", "name", "upc", "price", "stock", "metadata", "variation_list")
    return {name: item_field(item, name) for name in names}


def php_float(value: float) -> str:
    """Print a float as PHP does (precision 14, `3.0` prints `3`)."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    text = f"{value:.14G}"
    if "E" not in text:
        return "-0" if text == "-0" else text
    mantissa, exponent = text.split("E")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0') or '0'}"


def to_text(value: object) -> str:
    """Convert a value to text as PHP's echo does: null is empty, true is `1`."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if kind is int:
        return str(value)
    if kind is float:
        return php_float(value)  # type: ignore[arg-type]
    if isinstance(value, (list, dict, StockItem)):
        raise TwigValueError("a list cannot be printed as text (use join)")
    raise TwigValueError(f"a {kind.__name__} value cannot be printed as text")


def capped(text: str) -> str:
    """Refuse text longer than MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        raise TwigValueError(f"the text grew longer than {MAX_TEXT:,} characters")
    return text


def numeric_text(text: str) -> int | float | None:
    """The number a PHP numeric string stands for, or None when it is not one."""
    if not _NUMERIC.match(text):
        return None
    if _INT_TEXT.match(text):
        number = int(text)
        return number if abs(number) <= MAX_INT else float(number)
    return float(text.strip(PHP_SPACE))


def checked(number: int | float) -> int | float:
    """Refuse numbers past PHP's range instead of computing with them."""
    if type(number) is int and not -MAX_INT - 1 <= number <= MAX_INT:
        raise TwigValueError("the number is too large")
    if type(number) is float and not math.isfinite(number):
        raise TwigValueError("the number is too large")
    return number


def to_number(value: object) -> int | float:
    """Convert an operand for arithmetic as PHP 8 does; text that is not a number is refused."""
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[return-value]
    if value is None:
        return 0
    if kind is bool:
        return int(value)  # type: ignore[arg-type]
    if kind is str:
        number = numeric_text(value)  # type: ignore[arg-type]
        if number is not None:
            return number
        raise TwigValueError(f"'{value}' is not a number")
    raise TwigValueError("a list is not a number")


def cast_float(value: object) -> float:
    """PHP's (float) cast: the leading number of text, 0 when there is none."""
    if isinstance(value, str):
        match = _LEADING.match(value)
        return float(match.group(0).strip(PHP_SPACE)) if match else 0.0
    if isinstance(value, (list, dict, StockItem)):
        return 1.0 if length_of(value) else 0.0
    return float(value or 0)  # type: ignore[arg-type]


def to_int(value: object) -> int:
    """An int argument of a PHP function: numbers and numeric text; anything else refused."""
    number = to_number(value)
    if type(number) is float:
        if not math.isfinite(number):
            raise TwigValueError("the number is too large")
        return int(number)
    return number  # type: ignore[return-value]


def is_truthy(value: object) -> bool:
    """PHP truth: null, false, 0, 0.0, '', '0' and empty arrays are false."""
    if type(value) is str:
        return value != "" and value != "0"
    if isinstance(value, StockItem):
        return True
    return bool(value)


def php_key(key: object) -> int | str:
    """An array key as PHP stores it: integer-looking text, bools and floats become ints."""
    kind = type(key)
    if kind is int:
        return key  # type: ignore[return-value]
    if kind is str:
        if _INT_KEY.match(key) and abs(int(key)) <= MAX_INT:  # type: ignore[arg-type]
            return int(key)  # type: ignore[arg-type]
        return key  # type: ignore[return-value]
    if key is None:
        return ""
    if kind is bool or kind is float:
        return int(key)  # type: ignore[arg-type]
    raise TwigValueError("a list cannot be used as a key")


def pairs(value: object) -> Iterator[tuple[Any, Any]]:
    """The (key, value) pairs of an array; nothing for anything else."""
    if type(value) is list:
        return enumerate(value)  # type: ignore[arg-type]
    if isinstance(value, Mapping):
        return iter(value.items())
    if isinstance(value, StockItem):
        return iter(item_array(value).items())
    return iter(())


def is_array(value: object) -> bool:
    return type(value) is list or isinstance(value, (Mapping, StockItem))


def length_of(value: object) -> int:
    if isinstance(value, StockItem):
        return 8
    return len(value)  # type: ignore[arg-type]


def values_of(value: object) -> list[Any]:
    """An array's values in order."""
    if type(value) is list:
        return value  # type: ignore[return-value]
    return [v for _, v in pairs(value)]


def make_array(items: list[tuple[Any, Any]]) -> list[Any] | dict[Any, Any]:
    """An array from (key, value) pairs: a list when the keys are 0..n-1 in order."""
    if all(type(k) is int and k == n for n, (k, _) in enumerate(items)):
        return [v for _, v in items]
    return dict(items)


def lookup(container: object, key: object) -> tuple[bool, Any]:
    """`a[b]` on an array: (found, value); a key is normalised as PHP does."""
    if isinstance(container, StockItem):
        container = item_array(container)
    if type(container) is list:
        index = php_key(key)
        if type(index) is int and 0 <= index < len(container):  # type: ignore[arg-type]
            return True, container[index]  # type: ignore[index]
        return False, None
    if isinstance(container, Mapping):
        index = php_key(key)
        if index in container:
            return True, container[index]
        if type(index) is int and str(index) in container:
            return True, container[str(index)]
    return False, None


def _compare_arrays(left: object, right: object) -> int:
    """PHP's array comparison: by size, then value by value in the left's key order."""
    size_a, size_b = length_of(left), length_of(right)
    if size_a != size_b:
        return -1 if size_a < size_b else 1
    for key, value in pairs(left):
        found, other = lookup(right, key)
        if not found:
            return 1
        result = php_compare(value, other)
        if result:
            return result
    return 0


def _spaceship(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def php_compare(left: object, right: object) -> int:
    """PHP 8's `<=>` with its loose rules: -1, 0 or 1."""
    kind_a, kind_b = type(left), type(right)
    if kind_a is str and kind_b is str:
        a_num, b_num = numeric_text(left), numeric_text(right)  # type: ignore[arg-type]
        if a_num is not None and b_num is not None:
            return _spaceship(a_num, b_num)
        return _spaceship(left, right)
    if kind_a is bool or kind_b is bool or left is None or right is None:
        if left is None and kind_b is str:
            return _spaceship("", right)
        if right is None and kind_a is str:
            return _spaceship(left, "")
        return _spaceship(is_truthy(left), is_truthy(right))
    array_a, array_b = is_array(left), is_array(right)
    if array_a or array_b:
        return _compare_arrays(left, right) if array_a and array_b else (1 if array_a else -1)
    if kind_a is str or kind_b is str:
        text, number = (left, right) if kind_a is str else (right, left)
        parsed = numeric_text(text)  # type: ignore[arg-type]
        result = _spaceship(text, to_text(number)) if parsed is None else _spaceship(parsed, number)
        return result if kind_a is str else -result
    return _spaceship(left, right)


def php_equal(left: object, right: object) -> bool:
    """PHP 8's `==`."""
    same = type(left) is type(right) and type(left) in (str, int)
    if same and (type(left) is int or numeric_text(left) is None or numeric_text(right) is None):  # type: ignore[arg-type]
        return left == right
    return php_compare(left, right) == 0


def php_identical(left: object, right: object) -> bool:
    """PHP's `===`: the same type and value; arrays with the same pairs in the same order."""
    if is_array(left) and is_array(right):
        a, b = list(pairs(left)), list(pairs(right))
        return len(a) == len(b) and all(
            ka == kb and php_identical(va, vb) for (ka, va), (kb, vb) in zip(a, b, strict=True)
        )
    return type(left) is type(right) and left == right
