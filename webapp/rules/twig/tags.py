"""Twig's tags in one-line templates: if/elseif/else, for (with loop), set, apply."""

from __future__ import annotations

from webapp.rules.twig.lexer import (
    BLOCK_END,
    BLOCK_START,
    EOF,
    NAME,
    OPERATOR,
    PUNCT,
    TEXT,
    VAR_END,
    VAR_START,
    Token,
)
from webapp.rules.twig.parser import ExpressionParser, Node, check_variable
from webapp.rules.twig.values import TwigValueError

# Twig tags that exist but reach outside one template, or define code: refused by name.
UNAVAILABLE_TAGS = frozenset(
    {"macro", "import", "from", "include", "extends", "block", "embed", "use", "sandbox"}
    | {"with", "deprecated", "flush", "do", "autoescape", "filter", "spaceless", "cache"}
    | {"guard", "types", "line"}
)
END_TAGS = {"if": "endif", "for": "endfor", "set": "endset", "apply": "endapply"}


class TemplateParser(ExpressionParser):
    """Parse a whole template into statement nodes."""

    def __init__(self, tokens: list[Token], filters: set[str], tests: set[str]) -> None:
        super().__init__(tokens, filters, tests)
        self.captures = 0

    def template(self) -> Node:
        body, end = self.body(())
        if end is not None:
            raise TwigValueError(f"`{{% {end.value} %}}` has no tag to close", end.pos)
        return Node("body", 0, body)

    def body(self, ends: tuple[str, ...]) -> tuple[list[Node], Token | None]:
        """Statements up to one of the tags in `ends`; returns them and that tag's name token."""
        statements: list[Node] = []
        while True:
            token = self.current
            if token.kind == EOF:
                return statements, None
            if token.kind == TEXT:
                statements.append(Node("text", self.next().pos, token.value))
            elif token.kind == VAR_START:
                self.next()
                expression = self.expression()
                self.expect(VAR_END, None, "'}}'")
                statements.append(Node("print", token.pos, expression))
            elif token.kind == BLOCK_START:
                self.next()
                name = self.expect(NAME, None, "a tag name after '{%'")
                if name.value in ends:
                    return statements, name
                statements.append(self.tag(name))
            else:
                raise self.unexpected()

    def tag(self, name: Token) -> Node:
        """One tag after its name."""
        handler = {"if": self._if, "for": self._for, "set": self._set, "apply": self._apply}
        if name.value in handler:
            self.deeper(name.pos)
            try:
                return handler[name.value](name)  # type: ignore[index]
            finally:
                self.level -= 1
        if name.value in UNAVAILABLE_TAGS:
            raise TwigValueError(f"`{{% {name.value} %}}` is not available in templates", name.pos)
        if str(name.value).startswith("end") or name.value in ("else", "elseif"):
            raise TwigValueError(f"`{{% {name.value} %}}` has no tag to close", name.pos)
        raise TwigValueError(f"unknown tag '{name.value}'", name.pos)

    def _closed(self, opener: Token, ends: tuple[str, ...]) -> tuple[list[Node], Token]:
        body, end = self.body(ends)
        if end is None:
            closing = END_TAGS[str(opener.value)]
            raise TwigValueError(
                f"the `{opener.value}` is never closed (add {{% {closing} %}})", opener.pos
            )
        return body, end

    def _if(self, name: Token) -> Node:
        branches: list[tuple[Node, list[Node]]] = []
        otherwise: list[Node] = []
        test = self.expression()
        while True:
            self.expect(BLOCK_END, None, "'%}'")
            body, end = self._closed(name, ("elseif", "else", "endif"))
            branches.append((test, body))
            if end.value == "elseif":
                test = self.expression()
                continue
            if end.value == "else":
                self.expect(BLOCK_END, None, "'%}'")
                otherwise, _ = self._closed(name, ("endif",))
            self.expect(BLOCK_END, None, "'%}'")
            return Node("if", name.pos, tuple(branches), tuple(otherwise))

    def _targets(self) -> list[str]:
        names: list[str] = []
        while True:
            token = self.current
            if token.kind not in (NAME, OPERATOR) or not str(token.value).isidentifier():
                raise self.unexpected("a variable name")
            self.next()
            check_variable(str(token.value), token.pos)
            names.append(str(token.value))
            if not self.skip(PUNCT, ","):
                return names

    def _for(self, name: Token) -> Node:
        targets = self._targets()
        if len(targets) > 2:
            raise TwigValueError(
                "a for loop takes one or two names: for key, value in ...", name.pos
            )
        self.expect(OPERATOR, "in", "'in'")
        sequence = self.expression()
        self.expect(BLOCK_END, None, "'%}'")
        body, end = self._closed(name, ("else", "endfor"))
        otherwise: list[Node] = []
        if end.value == "else":
            self.expect(BLOCK_END, None, "'%}'")
            otherwise, _ = self._closed(name, ("endfor",))
        self.expect(BLOCK_END, None, "'%}'")
        key, value = (targets[0], targets[1]) if len(targets) == 2 else ("_key", targets[0])
        return Node("for", name.pos, key, value, sequence, tuple(body), tuple(otherwise))

    def _set(self, name: Token) -> Node:
        targets = self._targets()
        if self.skip(OPERATOR, "="):
            values = [self.expression()]
            while self.skip(PUNCT, ","):
                values.append(self.expression())
            self.expect(BLOCK_END, None, "'%}'")
            if len(values) != len(targets):
                raise TwigValueError("set needs as many values as names", name.pos)
            return Node("set", name.pos, tuple(targets), tuple(values))
        if len(targets) > 1:
            raise TwigValueError("a {% set %} block sets one name", name.pos)
        self.expect(BLOCK_END, None, "'=' or '%}'")
        body, _ = self._closed(name, ("endset",))
        self.expect(BLOCK_END, None, "'%}'")
        return Node("capture", name.pos, targets[0], tuple(body))

    def _apply(self, name: Token) -> Node:
        self.captures += 1
        slot = f" apply{self.captures}"
        chain = self._filter(Node("name", name.pos, slot))
        self.expect(BLOCK_END, None, "'%}'")
        body, _ = self._closed(name, ("endapply",))
        self.expect(BLOCK_END, None, "'%}'")
        return Node("apply", name.pos, slot, tuple(body), chain)
