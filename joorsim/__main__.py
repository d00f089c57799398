"""``python -m joorsim``: serve the simulator with seeded demo data.

Flags: --host (127.0.0.1), --port (5050), --orders N (200), --seed S (1), --days D (30),
--lines L (fixed line items per order; default 1-15, a few with none), --token T
(``demo-token``; several comma-separated, each its own credit account), --no-rate-limit,
--initial-stock (demo stock in ``Default``), --error-rate F, --latency-ms MS, --fault-seed S,
--dialect NAME (``reference``; see ``joorsim.dialects`` for the forms of JOOR's answers).
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from werkzeug.serving import WSGIRequestHandler, make_server

from joorsim.app import create_app
from joorsim.dialects import DIALECTS
from joorsim.state import DEFAULT_TOKEN, SimState


class RedactingHandler(WSGIRequestHandler):
    """Access log that never prints a token passed in a /_sim/credits query."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log the request line with any token= value masked."""
        self.requestline = re.sub(r"token=[^&\s]*", "token=***", self.requestline)
        super().log_request(code, size)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m joorsim", description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5050)
    p.add_argument("--orders", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--lines", type=int, default=None, help="fixed line items per order")
    p.add_argument("--token", default=DEFAULT_TOKEN, help="accepted token(s), comma-separated")
    p.add_argument("--no-rate-limit", action="store_true")
    p.add_argument("--initial-stock", action="store_true")
    p.add_argument("--error-rate", type=float, default=0.0)
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--fault-seed", type=int, default=0)
    p.add_argument("--dialect", choices=list(DIALECTS), default="reference")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Build the state, print where it listens, serve until interrupted."""
    args = parse_args(argv)
    started = time.perf_counter()
    state = SimState(
        orders=args.orders,
        seed=args.seed,
        tokens=args.token,
        rate_limit=not args.no_rate_limit,
        days=args.days,
        lines_per_order=args.lines,
        initial_stock=args.initial_stock,
        dialect=args.dialect,
        faults={
            "error_rate": args.error_rate,
            "latency_ms": args.latency_ms,
            "fault_seed": args.fault_seed,
        },
    )
    server = make_server(
        args.host, args.port, create_app(state), threaded=True, request_handler=RedactingHandler
    )
    print(
        f"JOOR simulator on http://{args.host}:{server.server_port}/v2 "
        f"(token {', '.join(state.tokens)}; {args.orders} orders, seed {args.seed}, "
        f"dialect {args.dialect}, "
        f"ready in {time.perf_counter() - started:.2f}s)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
