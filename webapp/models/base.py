"""Shared column types and helpers for the models."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.types import JSON

# Kept here for the modules and tests that import it from the models; webapp.clock defines it.
from webapp.clock import utcnow as utcnow


class UTCDateTime(TypeDecorator):
    """Store naive UTC, return aware UTC, so SQLite and PostgreSQL behave the same."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


# JSON columns: JSONB on PostgreSQL would add nothing we query on, so plain JSON everywhere.
JSONType = JSON
