"""The functions templates may call: range, min, max and cycle, as PHP 8.2 answers them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from webapp.rules.twig.values import (
    TwigValueError,
    is_array,
    length_of,
    lookup,
    numeric_text,
    pairs,
    php_compare,
    to_int,
    values_of,
)

# Twig's range() builds a list; this bounds what one call can build.
MAX_RANGE = 1_000


def _as_long(value: object) -> int:
    """PHP's zval_get_long: lenient, 0 for what is not a number."""
    if isinstance(value, str):
        number = numeric_text(value)
        return int(number) if number is not None else 0
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if is_array(value):
        return 1 if length_of(value) else 0
    return int(value or 0)  # type: ignore[call-overload]


def _as_double(value: object) -> float:
    if isinstance(value, str):
        number = numeric_text(value)
        return float(number) if number is not None else 0.0
    return float(_as_long(value)) if not isinstance(value, float) else value


def _count(span: float, step: float, limit: int) -> int:
    if step <= 0 or span < 0 or (span and span < step):
        raise TwigValueError("range's step must not exceed the range")
    count = int(span // step) + 1
    if count > limit:
        raise TwigValueError(f"range is limited to {limit:,} values")
    return count


def range_values(low: object, high: object, step: object, limit: int) -> list[Any]:
    """PHP 8.2's range(low, high, step)."""
    step_number = abs(_as_double(step))
    step_is_float = type(step) is float or (type(step) is str and type(numeric_text(step)) is float)
    if type(low) is str and type(high) is str and low and high:
        kinds = {type(numeric_text(low)), type(numeric_text(high))}
        if float not in kinds and int not in kinds and not step_is_float:
            return _letters(ord(low.encode()[:1]), ord(high.encode()[:1]), int(step_number), limit)
        if float in kinds or step_is_float:
            return _floats(_as_double(low), _as_double(high), step_number, limit)
        return _ints(_as_long(low), _as_long(high), int(step_number), limit)
    if type(low) is float or type(high) is float or step_is_float:
        return _floats(_as_double(low), _as_double(high), step_number, limit)
    return _ints(_as_long(low), _as_long(high), int(step_number), limit)


def _ints(low: int, high: int, step: int, limit: int) -> list[int]:
    count = _count(abs(high - low), step, limit)
    sign = 1 if high >= low else -1
    return [low + sign * step * n for n in range(count)]


def _floats(low: float, high: float, step: float, limit: int) -> list[float]:
    span = abs(high - low)
    if step <= 0 or (span and span < step):
        raise TwigValueError("range's step must not exceed the range")
    count = math.floor(span / step + 1.5) if span else 1
    if count > limit:
        raise TwigValueError(f"range is limited to {limit:,} values")
    sign = 1.0 if high >= low else -1.0
    values = [low + sign * n * step for n in range(count)]
    return [v for v in values if (v <= high if sign > 0 else v >= high)]


def _letters(low: int, high: int, step: int, limit: int) -> list[str]:
    if step <= 0:
        raise TwigValueError("range's step must not exceed the range")
    if abs(high - low) // step + 1 > limit:
        raise TwigValueError(f"range is limited to {limit:,} values")
    sign = 1 if high >= low else -1
    return [chr(code) for code in range(low, high + sign, sign * step)]


def twig_range(low: object = None, high: object = None, step: object = 1) -> list[Any]:
    return range_values(low, high, step, MAX_RANGE)


def _extreme(args: tuple[object, ...], sign: int, name: str) -> Any:
    """PHP's max (sign 1) or min (sign -1): of one array's values, or of the arguments."""
    if len(args) == 1:
        if not is_array(args[0]):
            raise TwigValueError(f"{name}() of one value needs a list")
        candidates = values_of(args[0])
    else:
        candidates = list(args)
    if not candidates:
        raise TwigValueError(f"{name}() needs at least one value")
    best = candidates[0]
    for candidate in candidates[1:]:
        if php_compare(candidate, best) * sign > 0:
            best = candidate
    return best


def twig_cycle(values: object, position: object) -> Any:
    if not is_array(values):
        return values
    size = length_of(values)
    if size == 0:
        raise TwigValueError("cycle() needs a list with values")
    index = to_int(position)
    found, value = lookup(values, abs(index) % size * (1 if index >= 0 else -1))
    if not found:
        raise TwigValueError("cycle() found no value at that position")
    return value


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "range": twig_range,
    "max": lambda *args: _extreme(args, 1, "max"),
    "min": lambda *args: _extreme(args, -1, "min"),
    "cycle": twig_cycle,
}

__all__ = ["FUNCTIONS", "MAX_RANGE", "pairs"]
