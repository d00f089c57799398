"""What every job needs: the app context and the Redis connection (queues: webapp.sync.queues)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache

from flask import Flask, current_app, has_app_context
from redis import Redis

from webapp import create_app


@cache
def _process_app() -> Flask:
    """Build this process's app once (worker horses inherit it across fork)."""
    return create_app()


def get_app() -> Flask:
    """Return the active app (tests push their own) or this process's app."""
    return current_app._get_current_object() if has_app_context() else _process_app()


@contextlib.contextmanager
def app_context() -> Iterator[Flask]:
    """Run a job body inside an app context, reusing one that is already active."""
    if has_app_context():
        yield current_app._get_current_object()
        return
    app = _process_app()
    with app.app_context():
        yield app


def redis_connection() -> Redis:
    """Return the app's Redis connection."""
    return get_app().extensions["redis"]
