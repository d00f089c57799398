"""Check a parsed template before it may run, and rewrite it to Twig's semantics."""

from __future__ import annotations

from collections import deque

from jinja2 import nodes
from jinja2.visitor import NodeTransformer

from webapp.rules.twig.values import TwigValueError

ALLOWED_NAMES = frozenset({"item", "loop", "range"})
TWIG_CONSTANTS = {"null": None, "NULL": None, "TRUE": True, "FALSE": False, "NONE": None}
# Names of Python internals that are never a merchant's field, refused even without "_".
PYTHON_INTERNALS = frozenset(
    {
        "mro",
        "func_globals",
        "f_globals",
        "f_locals",
        "f_back",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "ag_frame",
        "tb_frame",
        "co_code",
    }
)
ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.For,
    nodes.If,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.Name,
    nodes.Const,
    nodes.List,
    nodes.Dict,
    nodes.Pair,
    nodes.Tuple,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.Filter,
    nodes.Test,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.Pow,
    nodes.Concat,
    nodes.Compare,
    nodes.Operand,
    nodes.Call,
    nodes.Keyword,
)
TAG_NAMES = {
    "Macro": "macro",
    "CallBlock": "call",
    "Import": "import",
    "FromImport": "from",
    "Include": "include",
    "Extends": "extends",
    "Block": "block",
    "FilterBlock": "filter",
    "With": "with",
    "ScopedEvalContextModifier": "autoescape",
    "ExprStmt": "do",
}


class TemplateCheckError(TwigValueError):
    """A template refused before it runs; `line` is where."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _refuse(node: nodes.Node, reason: str) -> TemplateCheckError:
    return TemplateCheckError(getattr(node, "lineno", None), reason)


def _check_node(node: nodes.Node, known: set[str], filters: set[str], tests: set[str]) -> None:
    """Refuse one node that reaches outside the item or outside Twig's small language."""
    if not isinstance(node, ALLOWED_NODES):
        tag = TAG_NAMES.get(type(node).__name__, type(node).__name__.lower())
        raise _refuse(node, f"`{{% {tag} %}}` is not available in templates")
    if isinstance(node, nodes.Name):
        if node.name.startswith("_") or (
            node.ctx == "load" and node.name not in known and node.name not in TWIG_CONSTANTS
        ):
            raise _refuse(node, f"`{node.name}` is not available in templates (use `item`)")
    elif isinstance(node, nodes.Getattr):
        _check_attribute(node, node.attr)
    elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        _check_attribute(node, node.arg.value)
    elif isinstance(node, nodes.Filter) and (node.name not in filters or node.name[0] == "_"):
        raise _refuse(node, f"there is no filter named '{node.name}'")
    elif isinstance(node, nodes.Test) and (node.name not in tests or node.name[0] == "_"):
        raise _refuse(node, f"there is no test named '{node.name}'")
    elif isinstance(node, nodes.Call):
        if not (isinstance(node.node, nodes.Name) and node.node.name == "range"):
            raise _refuse(node, "only range(...) can be called in templates")
        if node.dyn_args or node.dyn_kwargs or node.kwargs:
            raise _refuse(node, "range takes plain values: range(start, end, step)")
    elif isinstance(node, nodes.For) and node.recursive:
        raise _refuse(node, "recursive loops are not available in templates")
    elif isinstance(node, nodes.Slice) and node.step is not None:
        raise _refuse(node, "a slice takes a start and a length, like [1:2]")


def _check_attribute(node: nodes.Node, name: object) -> None:
    if isinstance(name, str) and (name.startswith("_") or name in PYTHON_INTERNALS):
        raise _refuse(node, f"`{name}` is not available in templates")


def check_template(tree: nodes.Template, filters: set[str], tests: set[str]) -> None:
    """Refuse the template if any node reaches for something outside the item."""
    known = set(ALLOWED_NAMES)
    known.update(n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param"))
    pending: deque[nodes.Node] = deque([tree])
    while pending:
        node = pending.popleft()
        _check_node(node, known, filters, tests)
        pending.extend(node.iter_child_nodes())


def _filter(node: nodes.Expr, name: str, *args: nodes.Expr) -> nodes.Filter:
    return nodes.Filter(node, name, list(args), [], None, None, lineno=node.lineno)


class TwigRewriter(NodeTransformer):
    """Rewrite Jinja nodes whose answer differs from Twig's into calls of Twig's rules."""

    def visit_Name(self, node: nodes.Name) -> nodes.Expr:
        if node.ctx == "load" and node.name in TWIG_CONSTANTS:
            return nodes.Const(TWIG_CONSTANTS[node.name], lineno=node.lineno)
        return node

    def visit_Filter(self, node: nodes.Filter) -> nodes.Expr:
        self.generic_visit(node)
        # Twig binds a filter tighter than unary minus: -4|abs is -(4|abs).
        grouped = getattr(node.node, "twig_grouped", False)
        if isinstance(node.node, (nodes.Neg, nodes.Pos)) and not grouped:
            sign = node.node
            node.node, sign.node = sign.node, node
            return sign
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Expr:
        self.generic_visit(node)
        return _filter(node.nodes[0], "_concat", *node.nodes[1:])

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        self.generic_visit(node)
        if not isinstance(node.arg, nodes.Slice):
            return node
        start = node.arg.start or nodes.Const(0, lineno=node.lineno)
        length = [node.arg.stop] if node.arg.stop is not None else []
        return _filter(node.node, "slice", start, *length)

    def visit_Compare(self, node: nodes.Compare) -> nodes.Expr:
        self.generic_visit(node)
        left, result = node.expr, None
        for operand in node.ops:
            test = _filter(left, "_compare", nodes.Const(operand.op), operand.expr)
            result = test if result is None else nodes.And(result, test, lineno=node.lineno)
            left = operand.expr
        return result

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        pairs = isinstance(node.target, nodes.Tuple)
        node.iter = _filter(node.iter, "_loop", nodes.Const(pairs))
        if node.test is not None:
            node.test = _filter(node.test, "_truthy")
        return node

    def visit_If(self, node: nodes.If) -> nodes.Node:
        self.generic_visit(node)
        node.test = _filter(node.test, "_truthy")
        return node

    def visit_CondExpr(self, node: nodes.CondExpr) -> nodes.Node:
        self.generic_visit(node)
        node.test = _filter(node.test, "_truthy")
        return node

    def _logic(self, node: nodes.BinExpr) -> nodes.Expr:
        self.generic_visit(node)
        node.left, node.right = _filter(node.left, "_truthy"), _filter(node.right, "_truthy")
        return node

    visit_And = visit_Or = _logic

    def visit_Not(self, node: nodes.Not) -> nodes.Expr:
        self.generic_visit(node)
        node.node = _filter(node.node, "_truthy")
        return node
