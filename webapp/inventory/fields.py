"""Checks for an inventory item's fields, shared by the CSV import and the JSON API."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

MAX_PRICE = Decimal("999999999999.99")  # Numeric(14, 2)
UPC = re.compile(r"[0-9]{8,14}")


class FieldError(ValueError):
    """A field value that cannot be stored: 400 for a wrong shape, 422 for a wrong value."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


def clean_text(field: str, value: object, limit: int, *, required: bool = False) -> str:
    """Return a stripped string no longer than `limit`, without NUL characters."""
    if not isinstance(value, str):
        raise FieldError(field, f"{field} must be a string")
    value = value.strip()
    if required and not value:
        raise FieldError(field, f"{field} is required")
    if len(value) > limit:
        raise FieldError(field, f"{field} is longer than {limit} characters", 422)
    if "\x00" in value:  # PostgreSQL text cannot hold it, and no one means to type it
        raise FieldError(field, f"{field} contains a NUL character", 422)
    return value


def clean_code(value: object) -> str:
    """Return an item code: required, at most 255 characters, no control characters."""
    code = clean_text("code", value, 255, required=True)
    bad = next((char for char in code if unicodedata.category(char) == "Cc"), None)
    if bad is not None:
        # A tab or line break in a code cannot be typed, shown or matched in JOOR.
        raise FieldError("code", f"code contains the control character {bad!r}", 422)
    return code


def clean_upc(value: object) -> str | None:
    """Return the UPC (8 to 14 digits: UPC-E to GTIN-14), or None when it is empty."""
    if value is None:
        return None
    upc = clean_text("upc", value, 64)
    if upc and not UPC.fullmatch(upc):
        raise FieldError("upc", f"upc must be 8 to 14 digits, or empty; {upc!r} is not", 422)
    return upc or None


def clean_stock(value: object) -> int:
    """Return the stock: a whole number, 0 or more."""
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise FieldError("stock", f"stock must be a whole number, not {value!r}")
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("stock", "stock must be a whole number")
    if value < 0:
        raise FieldError("stock", "stock must be 0 or more", 422)
    if value > 2_000_000_000:
        raise FieldError("stock", "stock is too large", 422)
    return value


def clean_price(value: object) -> Decimal | None:
    """Return the price as a decimal with two places, or None when it is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldError("price", "price must be a number or a decimal string")
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError("price", f"price must be a decimal number, not {value!r}") from None
    if not price.is_finite():
        raise FieldError("price", "price must be a decimal number")
    if price < 0 or price > MAX_PRICE:
        raise FieldError("price", "price must be between 0 and 999999999999.99", 422)
    return price.quantize(Decimal("0.01"))


def clean_mapping(field: str, value: object) -> dict[str, str]:
    """Return a {name: value} mapping of strings."""
    if not isinstance(value, dict):
        raise FieldError(field, f"{field} must be an object of name: value strings")
    for name, text in value.items():
        if not name.strip() or not isinstance(text, str):
            raise FieldError(field, f"{field} must map non-empty names to string values")
    return {name.strip(): text for name, text in value.items()}
