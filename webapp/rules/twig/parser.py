"""Twig 3's expression grammar: precedence climbing over tokens, as Twig's ExpressionParser."""

from __future__ import annotations

import re
from typing import Any

from webapp.rules.twig.lexer import (
    ARROW,
    EOF,
    INTERP_END,
    INTERP_START,
    NAME,
    NUMBER,
    OPERATOR,
    PUNCT,
    STRING,
    Token,
)
from webapp.rules.twig.values import TwigValueError

# Parentheses, brackets, tags and operator chains past this depth are refused: a template this
# deep is a mistake or an attack, and it would exhaust Python's recursion in the parser.
MAX_DEPTH = 64
UNARY = {"not": 50, "-": 500, "+": 500}
# (precedence, right-associative)
BINARY: dict[str, tuple[int, bool]] = {
    "or": (10, False), "and": (15, False), "b-or": (16, False), "b-xor": (17, False),
    "b-and": (18, False), "==": (20, False), "!=": (20, False), "<=>": (20, False),
    "<": (20, False), ">": (20, False), ">=": (20, False), "<=": (20, False),
    "not in": (20, False), "in": (20, False), "matches": (20, False),
    "starts with": (20, False), "ends with": (20, False), "has some": (20, False),
    "has every": (20, False), "..": (25, False), "+": (30, False), "-": (30, False),
    "~": (40, False), "*": (60, False), "/": (60, False), "//": (60, False), "%": (60, False),
    "is": (100, False), "is not": (100, False), "**": (200, True), "??": (300, True),
}  # fmt: skip
TESTS_WITH_ONE_ARGUMENT = frozenset({"same as", "divisible by"})
CONSTANTS = {"true": True, "TRUE": True, "false": False, "FALSE": False}
CONSTANTS.update(dict.fromkeys(("none", "NONE", "null", "NULL")))
_NAME = re.compile(r"[a-zA-Z_\x7f-\U0010ffff][a-zA-Z0-9_\x7f-\U0010ffff]*\Z")


class Node:
    """One node of the template's tree: a kind, its source offset, its parts and its depth."""

    __slots__ = ("kind", "pos", "parts", "depth")

    def __init__(self, kind: str, pos: int, *parts: Any) -> None:
        self.kind, self.pos, self.parts = kind, pos, parts
        self.depth = 1 + max((_depth(part) for part in parts), default=0)
        if self.depth > MAX_DEPTH:
            raise TwigValueError(f"the template nests more than {MAX_DEPTH} levels deep", pos)

    def __repr__(self) -> str:
        return f"{self.kind}{self.parts!r}"


def _depth(part: Any) -> int:
    if isinstance(part, Node):
        return part.depth
    if isinstance(part, (list, tuple)):
        return max((_depth(p) for p in part), default=0)
    if isinstance(part, dict):
        return max((_depth(p) for p in part.values()), default=0)
    return 0


class ExpressionParser:
    """Parse Twig expressions from a token list; `known_*` say which names exist."""

    def __init__(self, tokens: list[Token], filters: set[str], tests: set[str]) -> None:
        self.tokens, self.index, self.level = tokens, 0, 0
        self.filters, self.tests = filters, tests

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def look(self, ahead: int) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != EOF:
            self.index += 1
        return token

    def test(self, kind: str, value: object = None) -> bool:
        token = self.current
        return token.kind == kind and (value is None or token.value == value)

    def skip(self, kind: str, value: object = None) -> Token | None:
        return self.next() if self.test(kind, value) else None

    def expect(self, kind: str, value: object = None, what: str | None = None) -> Token:
        if not self.test(kind, value):
            raise self.unexpected(what or f"'{value}'" if value else what or kind)
        return self.next()

    def unexpected(self, wanted: str | None = None) -> TwigValueError:
        token = self.current
        found = "the end of the template" if token.kind == EOF else _describe(token)
        hint = f" (expected {wanted})" if wanted else ""
        return TwigValueError(f"unexpected {found}{hint}", token.pos)

    def deeper(self, pos: int) -> None:
        self.level += 1
        if self.level > MAX_DEPTH:
            raise TwigValueError(f"the template nests more than {MAX_DEPTH} levels deep", pos)

    def expression(self, precedence: int = 0, arrow: bool = False) -> Node:
        """Twig's parseExpression: operators at or above `precedence`, then `? :` at 0."""
        self.deeper(self.current.pos)
        try:
            if arrow and (node := self._arrow()) is not None:
                return node
            node = self._primary()
            while self.test(OPERATOR) and self.current.value in BINARY:
                prec, right = BINARY[self.current.value]  # type: ignore[index]
                if prec < precedence:
                    break
                token = self.next()
                node = self._binary(token, node, prec if right else prec + 1)
            return self._conditional(node) if precedence == 0 else node
        finally:
            self.level -= 1

    def _binary(self, token: Token, left: Node, precedence: int) -> Node:
        if token.value in ("is", "is not"):
            node = self._test(left)
            return Node("not", token.pos, node) if token.value == "is not" else node
        right = self.expression(precedence, arrow=True)
        if token.value == "??":
            _check_defined_operand(left, "??")
            return Node("coalesce", token.pos, left, right)
        return Node("binary", token.pos, token.value, left, right)

    def _conditional(self, node: Node) -> Node:
        while token := self.skip(PUNCT, "?"):
            if self.skip(PUNCT, ":"):
                node = Node("elvis", token.pos, node, self.expression())
                continue
            then = self.expression()
            otherwise = self.expression() if self.skip(PUNCT, ":") else Node("const", 0, "")
            node = Node("cond", token.pos, node, then, otherwise)
        return node

    def _arrow(self) -> Node | None:
        """`x => ...` or `(x, y) => ...`, else None without consuming anything."""
        pos = self.current.pos
        if self.test(NAME) and self.look(1).kind == ARROW:
            names = [self.next().value]
        else:
            if not self.test(PUNCT, "("):
                return None
            i = 1
            while self.look(i).kind == NAME and self.look(i + 1).value == ",":
                i += 2
            if not (
                self.look(i).kind == NAME
                and self.look(i + 1).value == ")"
                and self.look(i + 2).kind == ARROW
            ):
                return None
            self.next()
            names = [self.expect(NAME).value]
            while self.skip(PUNCT, ","):
                names.append(self.expect(NAME).value)
            self.expect(PUNCT, ")")
        self.expect(ARROW)
        for name in names:
            _check_variable(str(name), pos)
        return Node("arrow", pos, tuple(names), self.expression())

    def _primary(self) -> Node:
        token = self.current
        if token.kind == OPERATOR and token.value in UNARY:
            self.next()
            operand = self.expression(UNARY[token.value])  # type: ignore[index]
            return self.postfix(Node("unary", token.pos, token.value, operand))
        if token.kind == PUNCT and token.value == "(":
            self.next()
            node = self.expression()
            self.expect(PUNCT, ")", "')' to close the parenthesis")
            return self.postfix(node)
        return self.primary()

    def primary(self) -> Node:
        """Twig's parsePrimaryExpression: a literal, a name, a call, an array or a hash."""
        token = self.current
        if token.kind == NAME:
            self.next()
            if token.value in CONSTANTS:
                node = Node("const", token.pos, CONSTANTS[token.value])  # type: ignore[index]
            elif self.test(PUNCT, "("):
                node = self._call(token)
            else:
                node = Node("name", token.pos, token.value)
        elif token.kind == NUMBER:
            node = Node("const", self.next().pos, token.value)
        elif token.kind in (STRING, INTERP_START):
            node = self._string()
        elif token.kind == OPERATOR and _NAME.match(str(token.value)):
            node = Node("name", self.next().pos, token.value)
        elif token.kind == OPERATOR and token.value in ("-", "+"):
            self.next()
            node = Node("unary", token.pos, token.value, self.primary())
        elif self.test(PUNCT, "["):
            node = self._array()
        elif self.test(PUNCT, "{"):
            node = self._hash()
        else:
            raise self.unexpected()
        return self.postfix(node)

    def _string(self) -> Node:
        """A string, with `#{...}` interpolations joined by `~`."""
        parts: list[Node] = []
        can_be_string = True
        while True:
            token = self.current
            if can_be_string and token.kind == STRING:
                parts.append(Node("const", self.next().pos, token.value))
                can_be_string = False
            elif self.skip(INTERP_START):
                parts.append(self.expression())
                self.expect(INTERP_END, None, "'}' to close #{")
                can_be_string = True
            else:
                break
        node = parts[0]
        for part in parts[1:]:
            node = Node("binary", part.pos, "~", node, part)
        return node

    def _array(self) -> Node:
        pos = self.next().pos
        elements: list[Node] = []
        while not self.test(PUNCT, "]"):
            if elements:
                self.expect(PUNCT, ",", "',' between list elements")
                if self.test(PUNCT, "]"):
                    break
            elements.append(self.expression())
        self.expect(PUNCT, "]")
        return Node("array", pos, tuple(elements))

    def _hash(self) -> Node:
        pos = self.next().pos
        entries: list[tuple[Node, Node]] = []
        while not self.test(PUNCT, "}"):
            if entries:
                self.expect(PUNCT, ",", "',' between hash entries")
                if self.test(PUNCT, "}"):
                    break
            token = self.current
            if token.kind == NAME:
                self.next()
                key = Node("const", token.pos, token.value)
                if self.test(PUNCT, ",") or self.test(PUNCT, "}"):
                    entries.append((key, Node("name", token.pos, token.value)))
                    continue
            elif token.kind in (STRING, NUMBER):
                key = Node("const", self.next().pos, token.value)
            elif self.test(PUNCT, "("):
                key = self.expression()
            else:
                raise self.unexpected("a hash key: a name, a quoted string or a number")
            self.expect(PUNCT, ":", "':' after a hash key")
            entries.append((key, self.expression()))
        self.expect(PUNCT, "}")
        return Node("hash", pos, tuple(entries))

    def postfix(self, node: Node) -> Node:
        """Subscripts, attributes and filters after a value, as many as follow."""
        while self.test(PUNCT):
            if self.current.value in (".", "["):
                node = self._subscript(node)
            elif self.current.value == "|":
                self.next()
                node = self._filter(node)
            else:
                break
        return node

    def _subscript(self, node: Node) -> Node:
        token = self.next()
        if token.value == ".":
            name = self.next()
            if not (name.kind in (NAME, NUMBER) or _NAME.match(str(name.value))):
                self.index -= 1
                raise self.unexpected("a field name after '.'")
            if self.test(PUNCT, "("):
                raise TwigValueError(
                    f"`{name.value}(...)`: methods cannot be called in templates (use a filter)",
                    name.pos,
                )
            _check_attribute(name.value, name.pos)
            return Node("attr", token.pos, node, Node("const", name.pos, name.value), False)
        start: Node | None = None
        if not self.test(PUNCT, ":"):
            start = self.expression()
        if self.skip(PUNCT, ":"):
            length = None if self.test(PUNCT, "]") else self.expression()
            self.expect(PUNCT, "]")
            args = (start or Node("const", token.pos, 0), length or Node("const", token.pos, None))
            return Node("filter", token.pos, "slice", node, args, ())
        self.expect(PUNCT, "]")
        if start is not None and start.kind == "const":
            _check_attribute(start.parts[0], start.pos)
        return Node("attr", token.pos, node, start, True)

    def _filter(self, node: Node) -> Node:
        while True:
            token = self.expect(NAME, None, "a filter name after '|'")
            if token.value not in self.filters:
                raise TwigValueError(f"there is no filter named '{token.value}'", token.pos)
            args, named = self.arguments(arrow=True) if self.test(PUNCT, "(") else ((), ())
            if token.value in PRE_ESCAPED and not _html_safe(node):
                # Twig escapes what nl2br and spaceless receive unless it is known to be HTML.
                node = Node("filter", token.pos, "escape", node, (), ())
            node = Node("filter", token.pos, token.value, node, args, named)
            if not self.skip(PUNCT, "|"):
                return node

    def arguments(
        self, arrow: bool = False
    ) -> tuple[tuple[Node, ...], tuple[tuple[str, Node], ...]]:
        """`(a, b, name=c)`: positional and named arguments."""
        self.expect(PUNCT, "(")
        args: list[Node] = []
        named: list[tuple[str, Node]] = []
        while not self.test(PUNCT, ")"):
            if args or named:
                self.expect(PUNCT, ",", "',' between arguments")
                if self.test(PUNCT, ")"):
                    break
            value = self.expression(0, arrow)
            if self.skip(OPERATOR, "="):
                if value.kind != "name":
                    raise TwigValueError("an argument name must be a plain name", value.pos)
                named.append((value.parts[0], self.expression(0, arrow)))
            elif named:
                raise TwigValueError("positional arguments cannot follow named ones", value.pos)
            else:
                args.append(value)
        self.expect(PUNCT, ")", "')' to close the arguments")
        return tuple(args), tuple(named)

    def _call(self, token: Token) -> Node:
        from webapp.rules.twig.functions import FUNCTIONS

        if token.value not in FUNCTIONS:
            raise TwigValueError(
                f"there is no function named '{token.value}' (use range, min, max or cycle)",
                token.pos,
            )
        args, named = self.arguments()
        if named:
            raise TwigValueError(f"{token.value}() takes plain values, not names", token.pos)
        return Node("call", token.pos, token.value, args)

    def _test(self, node: Node) -> Node:
        token = self.expect(NAME, None, "a test name after 'is'")
        name = str(token.value)
        if name not in self.tests and self.test(NAME):
            two_words = f"{name} {self.current.value}"
            if two_words in self.tests:
                self.next()
                name = two_words
        if name not in self.tests:
            raise TwigValueError(f"there is no test named '{name}'", token.pos)
        args: tuple[Node, ...] = ()
        if self.test(PUNCT, "("):
            args, named = self.arguments()
            args += tuple(value for _, value in named)
        elif name in TESTS_WITH_ONE_ARGUMENT:
            args = (self.primary(),)
        if name == "defined":
            _check_defined_operand(node, "is defined")
        return Node("test", token.pos, name, node, args)


PRE_ESCAPED = frozenset({"nl2br", "spaceless"})


def _html_safe(node: Node) -> bool:
    """Twig's safe analysis: literals and the output of raw, escape('html'), nl2br, spaceless."""
    if node.kind == "const":
        return True
    if node.kind == "cond":
        return _html_safe(node.parts[1]) and _html_safe(node.parts[2])
    if node.kind in ("elvis", "coalesce"):
        return _html_safe(node.parts[0]) and _html_safe(node.parts[1])
    if node.kind != "filter":
        return False
    name, args = node.parts[0], node.parts[2]
    if name in ("escape", "e"):
        return not args or (args[0].kind == "const" and args[0].parts[0] in ("html", "all"))
    return name in ("raw", "nl2br", "spaceless")


def _describe(token: Token) -> str:
    if token.kind in (NAME, OPERATOR, PUNCT, ARROW):
        return f"'{token.value}'"
    if token.kind == STRING:
        return f"text '{token.value}'"
    if token.kind == NUMBER:
        return f"number {token.value}"
    return {"}}": "'}}'", "%}": "'%}'", "{{": "'{{'", "{%": "'{%'"}.get(token.kind, token.kind)


# Names of Python internals that are never a merchant's field, refused even without "_".
PYTHON_INTERNALS = frozenset(
    {"mro", "func_globals", "f_globals", "f_locals", "f_back", "gi_frame", "gi_code"}
    | {"cr_frame", "ag_frame", "tb_frame", "co_code"}
)


def _check_attribute(name: object, pos: int) -> None:
    """Refuse field names that reach for internals: a leading `_` or a Python internal."""
    if isinstance(name, str) and (name.startswith("_") or name in PYTHON_INTERNALS):
        raise TwigValueError(f"`{name}` is not available in templates", pos)


def _check_variable(name: str, pos: int) -> None:
    if name.startswith("_"):
        raise TwigValueError(f"`{name}` is not available in templates", pos)
    if name.lower() in ("true", "false", "none", "null"):
        raise TwigValueError(f"`{name}` cannot be assigned to", pos)


def _check_defined_operand(node: Node, what: str) -> None:
    """Twig's `defined` test (and so `??`) works only on names, fields and literals."""
    if node.kind not in ("name", "attr", "const", "array", "hash"):
        raise TwigValueError(f"`{what}` only works on a name or a field, like item.code", node.pos)


check_variable = _check_variable
