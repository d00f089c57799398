"""Drills: an operator's or an attacker's scenario replayed end to end (issue 21).

Each drill reproduces a failure seen in a review (a killed Redis, a 429 storm, a stale read,
a flood of login guesses) against the real services, and asserts what a merchant depends on.
They run in CI on SQLite and PostgreSQL like every other test; `pytest -m drill` runs them
alone.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder as a drill."""
    for item in items:
        if "/drills/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.drill)
