"""The layers of docs/ARCHITECTURE.md: what may import what, and no import circles.

Imports are read from the source (module level and inside functions alike), so a function
importing another module to dodge a circle still counts.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from webapp import ROOT

STDLIB = set(sys.stdlib_module_names)
PACKAGES = ("webapp", "jobs", "joorsim")
# The pure layers: only the standard library and these.
ALLOWED = {
    # regex: Twig's `matches` with a timeout (webapp/rules/twig/regexes.py).
    "webapp/rules": {"regex", "webapp.rules"},
    "webapp/joor": {"requests", "webapp.joor"},
}
BLUEPRINTS = ("webapp.integration", "webapp.orders", "webapp.inventory", "webapp.api",
              "webapp.account", "webapp.auth", "webapp.health")  # fmt: skip
# (importer, never these): the table in docs/ARCHITECTURE.md.
FORBIDDEN = [
    ("webapp", ("jobs",)),  # jobs are enqueued by dotted path, never imported by the web app
    ("jobs", BLUEPRINTS),  # a job calls services, never a view
    ("webapp.sync", BLUEPRINTS + ("webapp.cli",)),
    ("webapp.models", ("webapp.sync", "webapp.rules", *BLUEPRINTS)),
    *((blueprint, ("webapp.joor",)) for blueprint in BLUEPRINTS),  # views never call JOOR
]


def _modules() -> dict[str, Path]:
    """Every project module by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imported(path: Path) -> Iterator[str]:
    """The modules a file imports (`from a import b` names a.b when b is a module)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{alias.name}" for alias in node.names]
            yield from (sub for sub in subs if sub in MODULES)
            if any(sub not in MODULES for sub in subs):
                yield node.module


def _project_module(name: str) -> str | None:
    """The project module an import names (a name inside a module counts as its module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {_project_module(imported) for imported in _imported(path)}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _allowed(module: str, allowed: set[str]) -> bool:
    top = module.split(".")[0]
    return top in STDLIB or any(module == a or module.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_pure_layers_import_only_their_column(folder):
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / folder).rglob("*.py")
        for module in _imported(path)
        if not _allowed(module, ALLOWED[folder])
    ]
    assert offending == []


@pytest.mark.parametrize(("importer", "never"), FORBIDDEN, ids=[i for i, _ in FORBIDDEN])
def test_layers_never_import_what_the_map_forbids(importer, never):
    graph = _graph()
    offending = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if _under(module, (importer,))
        for target in targets
        if _under(target, never) and not _under(target, (importer,))
    )
    assert offending == []


def test_the_project_imports_form_no_circle():
    graph, circles = _graph(), []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert circles == []
