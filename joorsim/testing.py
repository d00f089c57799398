"""Run the simulator in a background thread for tests: ``running_simulator(**options)``.

    with running_simulator(orders=1000, seed=7) as sim:
        requests.get(sim.base_url + "/orders", headers=...)   # base_url ends in /v2
        sim.state.read_inventory("Default")

Options are SimState's keyword arguments, or ``state=`` an existing SimState. The server is
werkzeug's threaded one on 127.0.0.1 and a free port; it stops when the block exits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from joorsim.app import create_app
from joorsim.state import SimState


def behind_by_a_minute() -> float:
    """JOOR's clock, a minute behind ours: pass as ``clock=`` to date edits inside a window."""
    # JOOR dates in whole seconds, so a second edit of an order within one second is dated a
    # second later. A minute behind, that date is still inside a window ending at our "now",
    # so a test re-reads its edit at once instead of sleeping until the second has passed.
    return time.time() - 60


class QuietHandler(WSGIRequestHandler):
    """A request handler that keeps test output free of access-log lines."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Skip the access log."""


@dataclass
class RunningSimulator:
    """A simulator serving in a thread: its URLs, state and app."""

    base_url: str
    root_url: str
    state: SimState
    app: Flask
    server: BaseWSGIServer

    @property
    def port(self) -> int:
        """The port it listens on."""
        return self.server.server_port


@contextmanager
def running_simulator(state: SimState | None = None, **options: Any) -> Iterator[RunningSimulator]:
    """Serve a simulator on a free local port for the duration of the block."""
    state = state or SimState(**options)
    app = create_app(state)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="joorsim", daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{server.server_port}"
    try:
        yield RunningSimulator(f"{root}/v2", root, state, app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
