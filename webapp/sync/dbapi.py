"""Bulk rows in the one form SQLite and PostgreSQL both take straight from the DBAPI.

The import's hot loop writes tens of rows per order; going through SQLAlchemy's typed
inserts cost more than the inserts themselves. Rows built here hold only str, int and None:
timestamps and dates as the text SQLAlchemy itself stores on SQLite (which PostgreSQL casts
on insert), money as decimal text and JSON as its text, so the ORM reads them back exactly
as if they had gone through the model's types.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

# Bound values one statement may carry: SQLite allows 32,766, PostgreSQL 65,535.
MAX_PARAMETERS = 32_000


def json_text(value: Any) -> str | None:
    """A JSON column's text (None stays NULL); the json module handles what orjson refuses."""
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        # Integers beyond 64 bits or keys that are not text, for two; json.dumps writes them
        # as the model's type would (its option for such keys makes every call slower).
        return json.dumps(value)


def timestamp_text(moment: datetime) -> str:
    """An aware moment as naive UTC text, the format SQLAlchemy's DateTime stores on SQLite."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond:06d}"


def date_text(day: date) -> str:
    """A calendar date as ISO text, the format SQLAlchemy's Date stores on SQLite."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def insert_sql(
    session: Session, table: str, columns: Sequence[str], *, rows: int = 1, suffix: str = ""
) -> str:
    """An INSERT of `rows` rows of the columns, with the connection's own placeholders.

    Table, columns and suffix are the caller's constants, never input; values go as parameters.
    """
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(f'"{name}"' for name in columns)
    values = ", ".join(["(" + ", ".join([mark] * len(columns)) + ")"] * rows)
    return f"INSERT INTO {table} ({names}) VALUES {values}{suffix}"  # noqa: S608


def insert_many(session: Session, sql: str, rows: Iterable[tuple]) -> None:
    """Run one INSERT per row with the DBAPI's executemany, in the session's transaction.

    Pending ORM changes are flushed first, so rows may point at objects added just before.
    """
    session.flush()
    rows = list(rows)
    if rows:
        session.connection().exec_driver_sql(sql, rows)


def insert_returning(
    session: Session, table: str, columns: Sequence[str], rows: list[tuple], *, suffix: str
) -> list[tuple]:
    """Insert rows with multi-row VALUES statements (executemany cannot return rows).

    Returns what the suffix's RETURNING clause gives for every statement, in one list.
    """
    session.flush()
    connection = session.connection()
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    returned: list[tuple] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        sql = insert_sql(session, table, columns, rows=len(chunk), suffix=suffix)
        params = tuple(value for row in chunk for value in row)
        returned.extend(connection.exec_driver_sql(sql, params).all())
    return returned
