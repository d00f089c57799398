"""Now comes from webapp.clock alone, so a test holding or moving it moves all of the app."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from webapp import ROOT, clock

# Calls that read the wall clock, by the name they are called through.
WALL_CLOCK = {"datetime.now", "datetime.utcnow", "datetime.today", "date.today", "time.time",
              "time.time_ns", "dt.datetime.now"}  # fmt: skip
# The one source, and the JOOR client: a pure package importing only itself (its rule in
# test_boundaries.py), which reads now only for a Retry-After given as a date.
READERS = {"webapp/clock.py", "webapp/joor/retry.py"}


def _reads(path: Path) -> list[str]:
    """The wall-clock calls in a file, as 'path:line name'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in WALL_CLOCK:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            names = {alias.name for alias in node.names} & {"time", "time_ns"}
            found += [f"{path.relative_to(ROOT)}:{node.lineno} from time import {n}" for n in names]
    return found


def test_only_the_clock_module_reads_the_wall_clock():
    assert _reads(ROOT / "webapp/clock.py")  # the search finds the reads it is there to find
    reads = [
        read
        for package in ("webapp", "jobs")
        for path in sorted((ROOT / package).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in READERS
        for read in _reads(path)
    ]
    assert reads == []


def test_the_clock_follows_a_held_and_moved_time(time_machine):
    held = datetime(2026, 3, 2, 23, 59, 30, tzinfo=UTC)
    time_machine.move_to(held, tick=False)
    assert clock.utcnow() == held and clock.utcnow().tzinfo is UTC
    assert clock.now_epoch() == held.timestamp()
    assert clock.today() == date(2026, 3, 2)
    time_machine.shift(timedelta(seconds=45))  # past midnight in UTC: the next day
    assert clock.utcnow() == held + timedelta(seconds=45) and clock.today() == date(2026, 3, 3)
