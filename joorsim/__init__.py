"""A local JOOR v2 API simulator for development, demos and end-to-end tests.

Run ``python -m joorsim --port 5050 --orders N --seed S [--dialect NAME]``; in tests use
``joorsim.testing.running_simulator(**options)`` or ``create_app(...).test_client()``.
Modules: ``app`` (endpoints), ``hooks`` (/_sim/), ``state`` (SimState), ``orderbook`` and
``orders`` (orders), ``dialects`` (the forms of JOOR's answers), ``inventory``, ``budget``,
``faults``, ``catalog``, ``people``.
"""

from joorsim.app import create_app
from joorsim.state import DEFAULT_TOKEN, SimState

__all__ = ["DEFAULT_TOKEN", "SimState", "create_app"]
