"""PostgreSQL connection settings: every statement planned for its own values.

psycopg prepares a statement on the server after five runs, and PostgreSQL may then switch it
to a generic plan that ignores the values. For a look-up of 1,000 item codes in one store that
generic plan scans the whole store for every chunk: a 100,000-row stock CSV took over two
minutes instead of eight seconds. Planning each statement afresh costs far less than that, and
connection poolers in transaction mode (PgBouncer on a PaaS) want no prepared statements anyway.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure(dbapi_connection, _record) -> None:
    """Turn off server-side prepared statements on each new psycopg connection."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.prepare_threshold = None
