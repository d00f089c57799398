"""Compile a merchant's Twig template once; render it per item with plain-words errors."""

from __future__ import annotations

import time
from bisect import bisect_right
from datetime import datetime

from webapp.rules.items import StockItem
from webapp.rules.twig.filters import FILTERS
from webapp.rules.twig.frames import RENDER_SECONDS, Frame, Run
from webapp.rules.twig.lexer import tokenize
from webapp.rules.twig.parser import Node
from webapp.rules.twig.predicates import TESTS
from webapp.rules.twig.render import Output, compile_body
from webapp.rules.twig.tags import TemplateParser
from webapp.rules.twig.values import TwigValueError

DEFAULT_MAX_LENGTH = 255
# A template longer than this is refused before it is read: identifiers are short, and a
# megabyte template would cost seconds to parse on every preview.
MAX_SOURCE = 2_000
_FILTERS, _TESTS = set(FILTERS), set(TESTS) | {"constant"}
_TIMED = frozenset({"for", "arrow", "matches"})


class TemplateError(ValueError):
    """A template that cannot be saved or rendered, said in words a merchant understands."""

    def __init__(
        self, field: str, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        where = f" at line {line}" if line else ""
        where += f", column {column}" if line and column else ""
        super().__init__(f"{field}: {reason}{where}")
        self.field, self.reason, self.line, self.column = field, reason, line, column


def _place(source: str, pos: int | None) -> tuple[int | None, int | None]:
    """Line and column (from 1) of an offset in the source, as the merchant counts them."""
    if pos is None:
        return None, None
    code = source.replace("\r\n", "\n").replace("\r", "\n")
    breaks = [i for i, char in enumerate(code) if char == "\n"]
    line = bisect_right(breaks, pos - 1)
    start = breaks[line - 1] + 1 if line else 0
    return line + 1, pos - start + 1


def _walk(tree: Node):
    """Every node with the kind of its parent, breadth first."""
    pending: list[tuple[Node, str | None, int]] = [(tree, None, -1)]
    while pending:
        node, parent, index = pending.pop()
        yield node, parent, index
        for position, part in enumerate(node.parts):
            for child in _children(part):
                pending.append((child, node.kind, position))


def _children(part: object):
    if isinstance(part, Node):
        yield part
    elif isinstance(part, (list, tuple)):
        for item in part:
            yield from _children(item)


def _assigned(tree: Node) -> set[str]:
    names = {"item", "loop"}
    for node, _, _ in _walk(tree):
        if node.kind == "set":
            names.update(node.parts[0])
        elif node.kind in ("capture", "apply"):
            names.add(node.parts[0])
        elif node.kind == "for":
            names.update(node.parts[:2])
        elif node.kind == "arrow":
            names.update(node.parts[0])
    return names


def check_names(tree: Node) -> None:
    """Refuse a name the template never sets: only `item` and its own variables exist."""
    known = _assigned(tree)
    for node, parent, index in _walk(tree):
        if node.kind != "name" or node.parts[0] in known:
            continue
        name = node.parts[0]
        asks_if_defined = (parent == "test" and index == 1) or (parent == "coalesce" and index == 0)
        if asks_if_defined and not name.startswith("_"):
            continue
        raise TwigValueError(f"`{name}` is not available in templates (use `item`)", node.pos)


def parse(source: str) -> Node:
    """Tokenize, parse and check a template; TwigValueError says what and where."""
    if len(source) > MAX_SOURCE:
        raise TwigValueError(
            f"the template is {len(source):,} characters long; the limit is {MAX_SOURCE:,}", 0
        )
    tree = TemplateParser(tokenize(source), _FILTERS, _TESTS).template()
    for node, _, _ in _walk(tree):
        if node.kind == "test" and node.parts[0] == "constant":
            raise TwigValueError("the `constant` test is not available in templates", node.pos)
    check_names(tree)
    return tree


class CompiledTemplate:
    """A checked, compiled template for one identifier field; render() is cheap."""

    __slots__ = ("field", "max_length", "source", "_body", "_timed", "_now")

    def __init__(self, source: str, field: str, max_length: int, now: datetime | None) -> None:
        try:
            tree = parse(source)
            self._body = compile_body(tree.parts[0])
        except TwigValueError as error:
            raise TemplateError(field, error.reason, *_place(source, error.pos)) from None
        self.field, self.source, self.max_length, self._now = field, source, max_length, now
        self._timed = any(
            node.kind in _TIMED or (node.kind == "binary" and node.parts[0] == "matches")
            for node, _, _ in _walk(tree)
        )

    def render(self, item: StockItem, *, deadline: float | None = None) -> str:
        """Render for one item; any failure is a TemplateError in plain words."""
        if deadline is None and self._timed:
            deadline = time.monotonic() + RENDER_SECONDS
        out = Output(self.max_length)
        try:
            self._body(Frame({"item": item}, Run(self._now, deadline)), out)
        except TwigValueError as error:
            raise TemplateError(self.field, error.reason, *_place(self.source, error.pos)) from None
        except RecursionError:
            raise TemplateError(self.field, "the template needs too much work") from None
        except (TypeError, ValueError, ArithmeticError, LookupError) as error:
            reason = f"the template cannot use these values ({error})"
            raise TemplateError(self.field, reason) from None
        return out.text()


def compile_template(
    source: str, field: str, *, max_length: int = DEFAULT_MAX_LENGTH, now: datetime | None = None
) -> CompiledTemplate:
    """Check and compile `source` for the field labelled `field`, or raise TemplateError."""
    return CompiledTemplate(source, field, max_length, now)
