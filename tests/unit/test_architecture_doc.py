"""docs/ARCHITECTURE.md and README.md name only files, folders and dotted names that exist.

A path in backticks must be a project file or folder (written in full, or as the tail of one:
`push/planning.py`, `reads.py`). A dotted name under webapp/jobs/joorsim/bench, or after
`python -m`, must be a module, or a module and a name it defines at its top level; so must a
short `module.name` whose module the project has (`runs.finish_run`). Files made at run time
(instance/, .venv/) and URLs are not paths of the project. README's configuration table lists
every environment variable webapp/ and jobs/ read, and only variables something reads.
"""

from __future__ import annotations

import ast
import os
import re
from functools import cache
from pathlib import Path

import pytest

from webapp import ROOT

DOCS = ("docs/ARCHITECTURE.md", "README.md")
SKIPPED_DIRS = {"instance", "node_modules", "__pycache__"}
KEPT_HIDDEN = {".ci"}
MADE_AT_RUN_TIME = ("instance/", ".venv/", "../", "~/")
EXTENSIONS = (".py", ".md", ".html", ".php", ".toml", ".txt")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"^(webapp|jobs|joorsim|bench)(\.[A-Za-z_]\w*)+$")
SHORT = re.compile(r"^([a-z_]+)\.([a-z_]\w*)$")  # runs.finish_run: a module of ours, one name
RUN_MODULE = re.compile(r"^python -m ([\w.]+)")
PATHLIKE = re.compile(r"^[\w.\-/*]+$")


@cache
def _project_paths() -> frozenset[str]:
    """Every file and folder of the project, relative to its root (folders end with /)."""
    found = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not _skipped(name)]
        here = Path(folder).relative_to(ROOT).as_posix()
        prefix = "" if here == "." else here + "/"
        found |= {f"{prefix}{name}/" for name in subfolders} | {prefix + name for name in files}
    return frozenset(found)


def _skipped(folder: str) -> bool:
    """Caches, the virtualenv, build output and what runs make are no part of the project."""
    hidden = folder.startswith(".") and folder not in KEPT_HIDDEN
    return hidden or folder in SKIPPED_DIRS or folder.endswith(".egg-info")


def _named(doc: str) -> list[str]:
    """What the document puts in backticks, outside its fenced code blocks."""
    text = FENCE.sub("", (ROOT / doc).read_text(encoding="utf-8"))
    return [token.strip() for token in CODE.findall(text)]


def _dotted(token: str) -> str | None:
    """The project name a token gives in full: `webapp.sync.runs`, or what `python -m` runs."""
    run = RUN_MODULE.match(token)
    name = run.group(1) if run else token
    return name if DOTTED.match(name) else None


@cache
def _modules_named(stem: str) -> tuple[Path, ...]:
    return tuple(ROOT / path for path in _project_paths() if path.endswith(f"/{stem}.py"))


def _is_path(token: str) -> bool:
    if token.startswith(("/", "http")) or token.startswith(MADE_AT_RUN_TIME):
        return False
    if not PATHLIKE.match(token) or token.count(".") > 2 and "/" not in token:
        return False
    return "/" in token or token.endswith(EXTENSIONS)


def _path_exists(token: str) -> bool:
    """The token is a project path, or the tail of one (a `*` matches one folder)."""
    pattern = re.compile("(^|/)" + re.escape(token).replace(r"\*", "[^/]+") + "$")
    return any(pattern.search(path) for path in _project_paths())


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _dotted_exists(token: str) -> bool:
    """A module, or a module and one name it defines (a class and its method: the class)."""
    parts = token.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        module = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if module.is_file():
            rest = parts[cut:]
            return not rest or rest[0] in _top_level_names(module)
    return False


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_the_doc_names_exists(doc):
    missing = sorted({t for t in _named(doc) if _is_path(t) and not _path_exists(t)})
    assert missing == []


@pytest.mark.parametrize("doc", DOCS)
def test_every_dotted_name_the_doc_gives_exists(doc):
    names = {_dotted(t) for t in _named(doc)} - {None}
    assert sorted(name for name in names if not _dotted_exists(name)) == []


@pytest.mark.parametrize("doc", DOCS)
def test_every_short_module_name_the_doc_gives_exists(doc):
    missing = sorted(
        token
        for token in set(_named(doc))
        if not _is_path(token)
        and (short := SHORT.match(token))
        and (modules := _modules_named(short.group(1)))
        and not any(short.group(2) in _top_level_names(module) for module in modules)
    )
    assert missing == []


def test_the_map_names_what_it_checks():
    named = _named("docs/ARCHITECTURE.md")
    assert sum(map(_is_path, named)) > 100
    assert sum(_dotted(t) is not None for t in named) > 20
    assert sum(bool(SHORT.match(t)) for t in named) > 10


def _environment_reads() -> set[str]:
    """The environment variables webapp/ and jobs/ read: env.get("X"), os.environ["X"], getenv."""
    names = set()
    for path in [*ROOT.joinpath("webapp").rglob("*.py"), *ROOT.joinpath("jobs").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and _reads_environment(node.func):
                first = node.args[0]
            elif isinstance(node, ast.Subscript) and _is_environ(node.value):
                first = node.slice
            else:
                continue
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def _is_environ(node: ast.expr) -> bool:
    """`os.environ`, or the `env` name config.py binds to it."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "env"
    )


def _reads_environment(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute) and func.attr == "getenv":
        return True
    return isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value)


def _configuration_table() -> set[str]:
    """The variables README's configuration table names in its first column."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in CODE.findall(row)}


def test_the_configuration_table_lists_every_variable_the_code_reads():
    read = _environment_reads()
    assert {"DATABASE_URL", "SMTP_URL", "WORKER_TTL"} <= read  # the reader finds them
    assert sorted(read - _configuration_table()) == []


def test_every_variable_in_the_configuration_table_is_read():
    sources = [*ROOT.joinpath("webapp").rglob("*.py"), *ROOT.joinpath("jobs").rglob("*.py")]
    sources += [ROOT / "Makefile", ROOT / "Procfile", ROOT / "Procfile.dev"]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    assert sorted(name for name in _configuration_table() if name not in text) == []
