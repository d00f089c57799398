"""The sandboxed Jinja environment that runs merchants' Twig templates with Twig's answers."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinja2 import ChainableUndefined, Undefined, nodes, pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.parser import Parser
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import SandboxedEnvironment

from webapp.rules.items import ITEM_FIELDS, StockItem
from webapp.rules.twig.filters import FILTERS, TESTS
from webapp.rules.twig.values import (
    TwigValueError,
    capped,
    checked,
    is_truthy,
    php_compare,
    php_contains,
    plain,
    to_number,
    to_text,
)

# Twig's range() is inclusive and builds a list; this bounds what one call can build.
MAX_RANGE = 1_000
# Loop iterations allowed in one render, across all loops, nested or not.
MAX_LOOP_STEPS = 10_000
LOOP_FIELDS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
_MISSING = object()


class TwigUndefined(ChainableUndefined):
    """Twig with strict_variables off: anything missing is null, and prints empty."""

    __slots__ = ()


class TwigParser(Parser):
    """Jinja's parser, remembering a parenthesised sign so `(-4)|abs` keeps Twig's meaning."""

    def parse_primary(self, **options: Any) -> nodes.Expr:
        grouped = self.stream.current.type == "lparen"
        node = super().parse_primary(**options)
        if grouped and isinstance(node, (nodes.Neg, nodes.Pos)):
            node.twig_grouped = True  # type: ignore[attr-defined]
        return node


class ElseIfExtension(Extension):
    """Accept Twig's `{% elseif %}` as Jinja's `{% elif %}`."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        previous = None
        for token in stream:
            if token.type == "name" and token.value == "elseif" and previous == "block_begin":
                token = Token(token.lineno, "name", "elif")
            previous = token.type
            yield token


def twig_range(low: object, high: object = _MISSING, step: object = 1) -> list[Any]:
    """Twig's range: inclusive of both ends, numbers or single letters, bounded."""
    if high is _MISSING:
        raise TwigValueError("range needs a start and an end, like range(1, 10)")
    stride = abs(int(to_number(step))) or 1
    letters = isinstance(low, str) and isinstance(high, str) and len(low) == len(high) == 1
    start = ord(low) if letters else int(to_number(low))
    end = ord(high) if letters else int(to_number(high))
    if abs(end - start) // stride + 1 > MAX_RANGE:
        raise TwigValueError(f"range is limited to {MAX_RANGE:,} values")
    values = range(start, end + 1, stride) if end >= start else range(start, end - 1, -stride)
    return [chr(v) for v in values] if letters else list(values)


@pass_context
def loop_over(context: Context, value: object, pairs: bool) -> Iterator[Any]:
    """Iterate as Twig's for does, counting steps so no render loops for long."""
    value = plain(value)
    if isinstance(value, Mapping):
        source: Iterable[Any] = value.items() if pairs else value.values()
    elif isinstance(value, (list, tuple)):
        source = enumerate(value) if pairs else value
    else:
        source = ()
    for element in source:
        steps = context.parent.get("_steps", 0) + 1
        if steps > MAX_LOOP_STEPS:
            raise TwigValueError(f"loops are limited to {MAX_LOOP_STEPS:,} steps per item")
        context.parent["_steps"] = steps
        yield element


def concat(first: object, *rest: object) -> str:
    """Twig's `~`: null and undefined join as empty text, true as `1`."""
    return capped(to_text(first) + "".join(to_text(part) for part in rest))


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "eq": lambda a, b: php_compare(a, b) == 0,
    "ne": lambda a, b: php_compare(a, b) != 0,
    "gt": lambda a, b: php_compare(a, b) > 0,
    "gteq": lambda a, b: php_compare(a, b) >= 0,
    "lt": lambda a, b: php_compare(a, b) < 0,
    "lteq": lambda a, b: php_compare(a, b) <= 0,
    "in": php_contains,
    "notin": lambda a, b: not php_contains(a, b),
}


def compare(left: object, op: str, right: object) -> bool:
    """One comparison with PHP's loose rules."""
    return _COMPARE[op](left, right)


def _power(base: int | float, exponent: int | float) -> int | float:
    """Power without building huge integers: past 64 bits it is refused."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0:
        if base not in (0, 1, -1) and exponent * (abs(base).bit_length() - 1) > 64:
            raise TwigValueError("the number is too large")
        return base**exponent
    try:
        return float(base) ** float(exponent)
    except (OverflowError, ZeroDivisionError):
        raise TwigValueError("the number is too large") from None


def _divide(left: int | float, right: int | float) -> int | float:
    """PHP's `/`: whole when it divides evenly, a float otherwise."""
    if isinstance(left, int) and isinstance(right, int) and left % right == 0:
        return left // right
    return left / right


_ARITHMETIC: dict[str, Callable[[Any, Any], int | float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
    "//": lambda a, b: math.floor(a / b),
    "%": lambda a, b: int(math.fmod(int(a), int(b))),
    "**": _power,
}


class TwigEnvironment(SandboxedEnvironment):
    """A sandbox where only the item's fields, mappings, lists and loop counters are reachable."""

    intercepted_binops = frozenset(_ARITHMETIC)
    intercepted_unops = frozenset({"-", "+"})

    def __init__(self) -> None:
        super().__init__(
            autoescape=False,
            undefined=TwigUndefined,
            finalize=to_text,
            extensions=[ElseIfExtension],
            auto_reload=False,
            cache_size=0,
        )
        self.globals = {"range": twig_range}
        self.filters = {**FILTERS, "_loop": loop_over, "_concat": concat, "_truthy": is_truthy}
        self.filters["_compare"] = compare
        self.tests = dict(TESTS)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Arithmetic on PHP's numbers: text that is not a number is an error, not repetition."""
        a, b = to_number(left), to_number(right)
        if operator in ("/", "//", "%") and (int(b) if operator == "%" else b) == 0:
            raise TwigValueError("division by zero")
        return checked(_ARITHMETIC[operator](a, b))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse with TwigParser."""
        return TwigParser(self, source, name, filename).parse()

    def call_unop(self, context: Context, operator: str, arg: Any) -> Any:
        """Unary minus and plus on PHP's numbers."""
        number = to_number(arg)
        return -number if operator == "-" else number

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`a.b`: a key of a mapping, a field of the item, or a loop counter; else null."""
        kind = type(obj)
        if kind is StockItem and attribute in ITEM_FIELDS:
            return getattr(obj, attribute)
        if kind is dict or isinstance(obj, Mapping):
            value = obj.get(attribute, _MISSING)
            return self.undefined(obj=obj, name=attribute) if value is _MISSING else value
        if isinstance(obj, LoopContext) and attribute in LOOP_FIELDS:
            return getattr(obj, attribute)
        if isinstance(obj, (list, tuple)) and attribute.isdigit():
            return self.getitem(obj, int(attribute))
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`a[b]`: a mapping's key or a list's position; anything else is null."""
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, (list, tuple)) and isinstance(argument, int):
            if 0 <= argument < len(obj):
                return obj[argument]
        elif isinstance(obj, Mapping) and not isinstance(argument, (Undefined, float)):
            return self.getattr(obj, str(plain(argument)))
        return self.undefined(obj=obj, name=str(argument))
