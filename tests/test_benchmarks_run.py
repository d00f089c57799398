"""Every benchmark still runs and prints its one JSON line (on small inputs; no figure judged).

A benchmark is run by hand, so a change that breaks one (a moved module, a new signature)
would otherwise go unseen until someone needs its figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL = {
    "import_orders": ["--orders", "300", "--lines", "2"],
    "panel": ["--events", "50", "--runs", "10", "--requests", "5"],
    "push_credits": ["--items", "100", "--edits", "5", "--minutes", "1"],
    "inventory_plan": ["--items", "1000"],
    "health_verdict": ["--stores", "3", "--runs", "5", "--skus", "20", "--repeat", "1"],
    "dialect_import": ["--orders", "200", "--dialect", "page-number"],
    "twig_fuzz": ["--examples", "20"],
}


def test_every_benchmark_module_is_exercised_here():
    modules = {path.stem for path in (ROOT / "bench").glob("*.py") if path.stem != "__init__"}
    # import_changes runs inside import_orders (its second imports).
    assert modules - {"import_changes"} == set(SMALL)


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="benchmarks keep their own SQLite database"
)
@pytest.mark.parametrize("name", sorted(SMALL))
def test_the_benchmark_prints_one_json_line(name, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL"}}
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", *SMALL[name]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(figures, dict) and figures
