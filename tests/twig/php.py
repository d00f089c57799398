"""Render templates with the real Twig (PHP), many per PHP process, and with ours, to compare."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from webapp.rules import StockItem, TemplateError, compile_template

DRIVER = Path(__file__).with_name("twig_render.php")
AUTOLOAD = Path("/usr/share/php/Twig/autoload.php")
# The length ours allows a render in these comparisons (Twig has no such limit).
MAX_OUTPUT = 10_000


def php_available() -> bool:
    return shutil.which("php") is not None and AUTOLOAD.exists()


def require_php() -> None:
    """Skip without PHP Twig; in CI (CI=true) its absence is a failure."""
    if not php_available():
        reason = "real Twig not installed: apt-get install php-cli php-twig"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def as_php_item(item: StockItem) -> dict:
    """The item as the order desk hands it to Twig: prices as decimal strings."""
    stock = item.stock
    if isinstance(stock, Decimal):
        stock = int(stock) if stock == stock.to_integral_value() else format(stock, "f")
    return {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "upc": item.upc,
        "price": None if item.price is None else format(item.price, "f"),
        "stock": stock,
        "metadata": dict(item.metadata),
        "variation_list": dict(item.variation_list),
    }


def render_php(cases: list[tuple[str, StockItem]]) -> list[dict]:
    """Each (template, item) rendered by PHP Twig in one process: {"output"} or {"error"}."""
    payload = {"cases": [{"template": t, "item": as_php_item(i)} for t, i in cases]}
    done = subprocess.run(
        ["php", str(DRIVER), str(AUTOLOAD)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout)


def render_ours(template: str, item: StockItem) -> dict:
    try:
        return {"output": compile_template(template, "Field", max_length=MAX_OUTPUT).render(item)}
    except TemplateError as error:
        return {"error": str(error)}


def agree(ours: dict, theirs: dict) -> bool:
    """The same output, or an error on both sides."""
    if "error" in theirs or "error" in ours:
        return "error" in theirs and "error" in ours
    return ours == theirs
