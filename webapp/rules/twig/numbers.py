"""Twig's number filters (round, abs, number_format) with PHP's rounding."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from webapp.rules.twig.values import TwigValueError, capped, checked, plain, to_number, to_text


def _decimal(value: object) -> Decimal:
    """A number as a Decimal of its shortest text, as PHP's pre-rounding sees it."""
    number = checked(to_number(value))
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def twig_round(value: object, precision: object = 0, method: object = "common") -> float:
    """Round half away from zero, or towards floor or ceiling; the result is a float."""
    digits = int(to_number(precision))
    if method == "common":
        exact = _decimal(value).scaleb(digits).quantize(Decimal(1), ROUND_HALF_UP)
        return float(exact.scaleb(-digits))
    if method not in ("ceil", "floor"):
        raise TwigValueError("round only supports the 'common', 'ceil' and 'floor' methods")
    shifted = float(checked(to_number(value))) * 10**digits
    return (math.ceil(shifted) if method == "ceil" else math.floor(shifted)) / 10**digits


def twig_abs(value: object) -> int | float:
    return abs(to_number(value))


def twig_number_format(
    value: object, decimals: object = 0, point: object = ".", thousands: object = ","
) -> str:
    """PHP's number_format: half away from zero, grouped thousands."""
    digits = max(int(to_number(decimals)), 0)
    exact = _decimal(value).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", to_text(plain(thousands)))
    sign = "-" if exact < 0 else ""
    return capped(sign + grouped + (to_text(plain(point)) + fraction if digits else ""))
