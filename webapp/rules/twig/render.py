"""Turn parsed Twig tags into closures that write a template's output, within its budgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webapp.rules.twig.compiler import compile_expression
from webapp.rules.twig.frames import Frame
from webapp.rules.twig.parser import Node
from webapp.rules.twig.values import MAX_TEXT, TwigValueError, capped, is_truthy, pairs, to_text

Statement = Callable[[Frame, "Output"], None]


class OutputTooLongError(TwigValueError):
    """The result passed the field's length."""


class Output:
    """What a render writes, refused as soon as it passes `limit` characters."""

    __slots__ = ("parts", "size", "limit")

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size, self.limit = 0, limit

    def write(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.limit:
            raise OutputTooLongError(f"the result is longer than {self.limit} characters")
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)


def compile_body(statements: tuple[Node, ...] | list[Node]) -> Statement:
    """One closure running the statements in order."""
    compiled = [_COMPILERS[node.kind](node, *node.parts) for node in statements]
    if len(compiled) == 1:
        return compiled[0]

    def body(frame: Frame, out: Output) -> None:
        for statement in compiled:
            statement(frame, out)

    return body


def _text(node: Node, text: str) -> Statement:
    return lambda frame, out: out.write(text)


def _print(node: Node, expression: Node) -> Statement:
    get = compile_expression(expression)

    def print_(frame: Frame, out: Output) -> None:
        try:
            out.write(to_text(get(frame)))
        except TwigValueError as error:
            error.pos = node.pos if error.pos is None else error.pos
            raise

    return print_


def _if(node: Node, branches: tuple, otherwise: tuple) -> Statement:
    compiled = [(compile_expression(test), compile_body(body)) for test, body in branches]
    fallback = compile_body(otherwise)

    def if_(frame: Frame, out: Output) -> None:
        for test, body in compiled:
            if is_truthy(test(frame)):
                body(frame, out)
                return
        fallback(frame, out)

    return if_


def _for(node: Node, key: str, value: str, seq: Node, body: tuple, otherwise: tuple) -> Statement:
    get_seq, run_body, fallback = (
        compile_expression(seq),
        compile_body(body),
        compile_body(otherwise),
    )

    def for_(frame: Frame, out: Output) -> None:
        variables = frame.vars
        parent = dict(variables)
        items = list(pairs(get_seq(frame)))
        size = len(items)
        for index, (k, v) in enumerate(items):
            frame.run.step()
            variables[key], variables[value] = k, v
            variables["loop"] = {
                "parent": parent,
                "index0": index,
                "index": index + 1,
                "first": index == 0,
                "revindex0": size - index - 1,
                "revindex": size - index,
                "length": size,
                "last": index == size - 1,
            }
            run_body(frame, out)
        if not items:
            fallback(frame, out)
        # Twig keeps what the loop changed in names set before it, and drops names new to it.
        kept = {name: variables.get(name, old) for name, old in parent.items()}
        for name in (key, value, "loop"):
            if name in parent:
                kept[name] = parent[name]
        variables.clear()
        variables.update(kept)

    return for_


def _set(node: Node, names: tuple[str, ...], values: tuple[Node, ...]) -> Statement:
    getters = [compile_expression(v) for v in values]

    def set_(frame: Frame, out: Output) -> None:
        results = [get(frame) for get in getters]
        frame.vars.update(zip(names, results, strict=True))

    return set_


def _captured(body: Statement, frame: Frame, out: Output) -> str:
    inner = Output(MAX_TEXT)
    body(frame, inner)
    return capped(inner.text())


def _capture(node: Node, name: str, body: tuple) -> Statement:
    run_body = compile_body(body)

    def capture(frame: Frame, out: Output) -> None:
        frame.vars[name] = _captured(run_body, frame, out)

    return capture


def _apply(node: Node, slot: str, body: tuple, chain: Node) -> Statement:
    run_body, get = compile_body(body), compile_expression(chain)

    def apply(frame: Frame, out: Output) -> None:
        frame.vars[slot] = _captured(run_body, frame, out)
        result: Any = get(frame)
        del frame.vars[slot]
        out.write(to_text(result))

    return apply


_COMPILERS: dict[str, Callable[..., Statement]] = {
    "text": _text,
    "print": _print,
    "if": _if,
    "for": _for,
    "set": _set,
    "capture": _capture,
    "apply": _apply,
}
