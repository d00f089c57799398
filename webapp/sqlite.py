"""SQLite connection settings for the local database (PostgreSQL needs none), and `unicode_lower`.

WAL lets the panel read while a worker writes an import, instead of waiting on it.
synchronous=NORMAL then syncs at checkpoints rather than on every commit: a crashed
process loses nothing committed, and a power cut can only undo the last commits, which
takes the store's watermark back with them, so the next poll fetches those orders again.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure(dbapi_connection, _record) -> None:
    """Set WAL and NORMAL sync on each new SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's lower() and LIKE fold ASCII only: "Łukasz" would never match "łukasz".
    dbapi_connection.create_function(UNICODE_LOWER, 1, _lower, deterministic=True)


UNICODE_LOWER = "unicode_lower"


def _lower(value):
    """Python's lower() for text (every script), other values as they are."""
    return value.lower() if isinstance(value, str) else value
