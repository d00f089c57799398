"""Turn a parsed Twig expression into a Python closure that evaluates it with PHP's rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webapp.rules.items import ITEM_FIELDS, StockItem
from webapp.rules.twig.filters import FILTERS, NEEDS_RUN, bind_arguments
from webapp.rules.twig.frames import Arrow, Eval, Frame
from webapp.rules.twig.functions import FUNCTIONS
from webapp.rules.twig.operators import BINARY, negate, unary_plus
from webapp.rules.twig.parser import Node
from webapp.rules.twig.predicates import TESTS
from webapp.rules.twig.values import TwigValueError, is_truthy, item_field, lookup, php_key


def _located(evaluate: Callable[..., Any], pos: int) -> Callable[..., Any]:
    """Tag an error raised below with this node's place in the source, if it has none."""

    def located(*args: Any) -> Any:
        try:
            return evaluate(*args)
        except TwigValueError as error:
            if error.pos is None:
                error.pos = pos
            raise

    return located


def compile_expression(node: Node) -> Eval:
    """A closure evaluating `node` in a frame."""
    return _COMPILERS[node.kind](node, *node.parts)


def _const(node: Node, value: Any) -> Eval:
    return lambda frame: value


def _name(node: Node, name: str) -> Eval:
    return lambda frame: frame.vars.get(name)


def _array(node: Node, elements: tuple[Node, ...]) -> Eval:
    parts = [compile_expression(e) for e in elements]
    return lambda frame: [part(frame) for part in parts]


def _hash(node: Node, entries: tuple[tuple[Node, Node], ...]) -> Eval:
    from webapp.rules.twig.values import make_array

    parts = [(compile_expression(k), compile_expression(v)) for k, v in entries]

    def build(frame: Frame) -> Any:
        return make_array(list({php_key(k(frame)): v(frame) for k, v in parts}.items()))

    return _located(build, node.pos)


def _attr(node: Node, container: Node, key: Node, _subscript: bool) -> Eval:
    get_container = compile_expression(container)
    if key.kind == "const":
        name = key.parts[0]
        field = name if isinstance(name, str) and name in ITEM_FIELDS else None

        def attribute(frame: Frame) -> Any:
            value = get_container(frame)
            if field is not None and type(value) is StockItem:
                return item_field(value, field)
            return lookup(value, name)[1]

        return _located(attribute, node.pos)
    get_key = compile_expression(key)
    return _located(lambda frame: lookup(get_container(frame), get_key(frame))[1], node.pos)


def _defined(node: Node) -> Eval:
    """Whether a name or a field exists (even when it holds null)."""
    if node.kind == "name":
        name = node.parts[0]
        return lambda frame: name in frame.vars
    if node.kind == "attr":
        get_container, get_key = (
            compile_expression(node.parts[0]),
            compile_expression(node.parts[1]),
        )
        return lambda frame: lookup(get_container(frame), get_key(frame))[0]
    return lambda frame: True


def _filter(node: Node, name: str, operand: Node, args: tuple, named: tuple) -> Eval:
    function = FILTERS[name]
    get_operand = compile_expression(operand)
    getters = [compile_expression(arg) for arg in bind_arguments(name, args, named, node.pos)]
    if name in NEEDS_RUN:
        return _located(
            lambda frame: function(frame.run, get_operand(frame), *[g(frame) for g in getters]),
            node.pos,
        )
    if not getters:
        return _located(lambda frame: function(get_operand(frame)), node.pos)
    return _located(
        lambda frame: function(get_operand(frame), *[g(frame) for g in getters]), node.pos
    )


def _call(node: Node, name: str, args: tuple[Node, ...]) -> Eval:
    function = FUNCTIONS[name]
    getters = [compile_expression(arg) for arg in args]
    return _located(lambda frame: function(*[g(frame) for g in getters]), node.pos)


def _unary(node: Node, operator: str, operand: Node) -> Eval:
    get = compile_expression(operand)
    if operator == "not":
        return lambda frame: not is_truthy(get(frame))
    function = negate if operator == "-" else unary_plus
    return _located(lambda frame: function(get(frame)), node.pos)


def _not(node: Node, operand: Node) -> Eval:
    get = compile_expression(operand)
    return lambda frame: not is_truthy(get(frame))


def _binary(node: Node, operator: str, left: Node, right: Node) -> Eval:
    get_left, get_right = compile_expression(left), compile_expression(right)
    if operator == "and":
        return lambda frame: is_truthy(get_left(frame)) and is_truthy(get_right(frame))
    if operator == "or":
        return lambda frame: is_truthy(get_left(frame)) or is_truthy(get_right(frame))
    if operator == "matches":
        from webapp.rules.twig.regexes import matches

        return _located(
            lambda frame: matches(frame.run, get_right(frame), get_left(frame)), node.pos
        )
    if operator in ("starts with", "ends with"):
        # Twig reads the right side only when the left is text.
        check = str.startswith if operator == "starts with" else str.endswith

        def affix(frame: Frame) -> bool:
            text = get_left(frame)
            if type(text) is not str:
                return False
            part = get_right(frame)
            return type(part) is str and check(text, part)

        return _located(affix, node.pos)
    function = BINARY[operator]
    return _located(lambda frame: function(get_left(frame), get_right(frame)), node.pos)


def _test(node: Node, name: str, operand: Node, args: tuple[Node, ...]) -> Eval:
    if name == "defined":
        return _defined(operand)
    function = TESTS[name]
    get = compile_expression(operand)
    getters = [compile_expression(arg) for arg in args]
    return _located(lambda frame: function(get(frame), *[g(frame) for g in getters]), node.pos)


def _cond(node: Node, test: Node, then: Node, otherwise: Node) -> Eval:
    get_test, get_then, get_else = map(compile_expression, (test, then, otherwise))
    return lambda frame: get_then(frame) if is_truthy(get_test(frame)) else get_else(frame)


def _elvis(node: Node, test: Node, otherwise: Node) -> Eval:
    get_test, get_else = compile_expression(test), compile_expression(otherwise)

    def elvis(frame: Frame) -> Any:
        value = get_test(frame)
        return value if is_truthy(value) else get_else(frame)

    return elvis


def _coalesce(node: Node, left: Node, right: Node) -> Eval:
    defined, get_left, get_right = (
        _defined(left),
        compile_expression(left),
        compile_expression(right),
    )

    def coalesce(frame: Frame) -> Any:
        value = get_left(frame) if defined(frame) else None
        return get_right(frame) if value is None else value

    return coalesce


def _arrow(node: Node, names: tuple[str, ...], body: Node) -> Eval:
    get_body = compile_expression(body)
    return lambda frame: Arrow(names, get_body, frame)


_COMPILERS: dict[str, Callable[..., Eval]] = {
    "const": _const,
    "name": _name,
    "array": _array,
    "hash": _hash,
    "attr": _attr,
    "filter": _filter,
    "call": _call,
    "unary": _unary,
    "not": _not,
    "binary": _binary,
    "test": _test,
    "cond": _cond,
    "elvis": _elvis,
    "coalesce": _coalesce,
    "arrow": _arrow,
}
