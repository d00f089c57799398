"""webapp.rules stays pure: it imports only the standard library, `regex` and itself."""

import ast
import sys
from pathlib import Path

import webapp.rules

# `regex` runs Twig's `matches` with a timeout, which the standard re cannot.
ALLOWED_THIRD_PARTY = {"regex"}


def test_rules_import_only_the_standard_library_and_regex():
    root = Path(webapp.rules.__file__).parent
    outside = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if name.startswith("webapp.rules") or top == "__future__":
                    continue
                if top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY:
                    outside.add(f"{path.name}: {name}")
    assert not outside
