"""The layers of DESIGN.md: rules and the JOOR client import only what their column allows."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from webapp import ROOT

STDLIB = set(sys.stdlib_module_names)
ALLOWED = {
    # regex: Twig's `matches` with a timeout (webapp/rules/twig/regexes.py).
    "webapp/rules": {"regex", "webapp.rules"},
    "webapp/joor": {"requests", "webapp.joor"},
}
BLUEPRINTS = ["webapp/integration", "webapp/orders", "webapp/inventory", "webapp/api"]


def _imports(folder: Path):
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                yield path, [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                yield path, [node.module]


def _allowed(module: str, allowed: set[str]) -> bool:
    top = module.split(".")[0]
    return top in STDLIB or any(module == a or module.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_pure_layers_import_only_their_column(folder):
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, modules in _imports(ROOT / folder)
        for module in modules
        if not _allowed(module, ALLOWED[folder])
    ]
    assert offending == []


def test_blueprints_never_import_the_joor_client():
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for folder in BLUEPRINTS
        if (ROOT / folder).exists()
        for path, modules in _imports(ROOT / folder)
        for module in modules
        if module == "webapp.joor" or module.startswith("webapp.joor.")
    ]
    assert offending == []
