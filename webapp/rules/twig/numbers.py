"""Twig's number filters (round, abs, number_format) with PHP's rounding."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from webapp.rules.twig.values import (
    MAX_INT,
    TwigValueError,
    capped,
    cast_float,
    checked,
    to_int,
    to_number,
    to_text,
)


def _decimal(number: float) -> Decimal:
    """A float as a Decimal of its shortest text, as PHP's pre-rounding sees it."""
    return Decimal(repr(checked(number)))


def twig_round(value: object, precision: object = 0, method: object = "common") -> float:
    """Round half away from zero, or towards floor or ceiling; the result is a float."""
    number = cast_float(value)
    digits = to_int(precision)
    if method == "common":
        if abs(digits) > 300:
            return number
        exact = _decimal(number).scaleb(digits).quantize(Decimal(1), ROUND_HALF_UP)
        return float(exact.scaleb(-digits))
    if method not in ("ceil", "floor"):
        raise TwigValueError("round only supports the 'common', 'ceil' and 'floor' methods")
    scale = 10.0**digits
    shifted = checked(number * scale)
    return (math.ceil(shifted) if method == "ceil" else math.floor(shifted)) / scale


def twig_abs(value: object) -> int | float:
    number = to_number(value)
    return float(-number) if number == -MAX_INT - 1 else abs(number)


def twig_number_format(
    value: object, decimals: object = None, point: object = None, thousands: object = None
) -> str:
    """PHP's number_format: half away from zero, grouped thousands."""
    digits = max(0 if decimals is None else to_int(decimals), 0)
    if digits > 100:
        raise TwigValueError("number_format is limited to 100 decimals")
    point = "." if point is None else to_text(point)
    thousands = "," if thousands is None else to_text(thousands)
    exact = _decimal(cast_float(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    sign = "-" if exact < 0 else ""
    return capped(sign + grouped + (point + fraction if digits else ""))
