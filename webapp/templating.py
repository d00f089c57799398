"""Template helpers: navigation, dates in words, numbers."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app

from webapp.clock import utcnow


def available_endpoints() -> set[str]:
    """Return the endpoints this app serves (the nav shows only those)."""
    return set(current_app.view_functions)


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """Say how long ago a moment was, in words ("3 min ago")."""
    if value is None:
        return "never"
    seconds = int(((now or utcnow()) - value).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            amount = seconds // size
            text = f"{amount} {unit}{'s' if unit == 'day' and amount > 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "in a moment" if future else "just now"


def until(value: datetime | None, now: datetime | None = None) -> str:
    """Say how long until a moment, in words ("in about 8 seconds"; "now" once it has come)."""
    from webapp.joor.errors import in_about

    if value is None:
        return ""
    seconds = (value - (now or utcnow())).total_seconds()
    return in_about(seconds) if seconds >= 1 else "now"


def clock_time(value: datetime | None) -> str:
    """Format a moment as 'HH:MM:SS UTC' (a time later today, to the second)."""
    return value.strftime("%H:%M:%S UTC") if value else ""


def utc_text(value: datetime | None) -> str:
    """Format a moment as 'YYYY-MM-DD HH:MM UTC'."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def moment_text(value: str) -> str:
    """A day or a moment kept as ISO text (a run's window): the day as is, a moment in UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if len(value) == 10:
        return value
    return utc_text(moment.astimezone(UTC) if moment.tzinfo else moment)


def init_app(app: Flask) -> None:
    """Register the helpers with Jinja."""
    app.jinja_env.globals["available_endpoints"] = available_endpoints
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["utc"] = utc_text
    app.jinja_env.filters["until"] = until
    app.jinja_env.filters["clock"] = clock_time
    app.jinja_env.filters["moment"] = moment_text
    app.jinja_env.filters["thousands"] = lambda n: f"{n or 0:,}"
