"""Every request ends with its session closed and its cursors released, whatever it raised.

A SELECT whose rows were not all read keeps its SQLite statement running, and since Python
3.11 the sqlite3 module no longer resets statements on rollback: a connection handed back to
the pool with such a cursor keeps its read snapshot (WAL), so every later request served on
it reads the database as it was (new API keys refused, writes failing as "database is
locked"). An exception's traceback keeps the half-read result alive until the garbage
collector happens to run, minutes later. So cursors are tracked per connection and closed
when it goes back to the pool, before the pool's rollback.
"""

from __future__ import annotations

import logging
import weakref

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from webapp.extensions import db

log = logging.getLogger(__name__)
OPEN_CURSORS = "open_cursors"


@event.listens_for(Engine, "before_cursor_execute")
def _track_cursor(conn, cursor, statement, parameters, context, executemany) -> None:
    """Remember the cursor on its pooled connection (weakly: a finished one just goes)."""
    conn.info.setdefault(OPEN_CURSORS, weakref.WeakSet()).add(cursor)


@event.listens_for(Pool, "reset")
def _close_cursors(dbapi_connection, connection_record, reset_state) -> None:
    """Close every cursor still open on a connection going back to the pool."""
    if connection_record is None:
        return
    for cursor in list(connection_record.info.pop(OPEN_CURSORS, ())):
        try:
            cursor.close()
        except Exception:  # a broken cursor must not keep the others open
            log.warning("could not close a cursor left open", exc_info=True)


def init_app(app: Flask) -> None:
    """Close the request's session after every request, even one that raised."""
    app.teardown_request(_end_session)


def _end_session(_error: BaseException | None) -> None:
    """Roll back what the request left uncommitted and give its connection back."""
    db.session.remove()


def discard_failed_transaction() -> None:
    """Roll back a transaction an error aborted, so the error page can still read the user."""
    try:
        db.session.rollback()
    except Exception:  # the error page must render whatever the database does
        log.warning("could not roll back after an error", exc_info=True)
