"""Twig's `date` filter: PHP's date() format letters, times in UTC."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from webapp.rules.twig.values import TwigValueError, to_text

DEFAULT_FORMAT = "F j, Y H:i"


def _suffix(day: int) -> str:
    """English ordinal suffix for a day of the month."""
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _offset(moment: datetime, colon: bool) -> str:
    """UTC offset as +0000 or +00:00."""
    seconds = int(moment.utcoffset().total_seconds()) if moment.utcoffset() else 0
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"


_LETTERS: dict[str, Callable[[datetime], str]] = {
    "d": lambda m: f"{m.day:02d}",
    "D": lambda m: m.strftime("%a"),
    "j": lambda m: str(m.day),
    "l": lambda m: m.strftime("%A"),
    "N": lambda m: str(m.isoweekday()),
    "S": lambda m: _suffix(m.day),
    "w": lambda m: str(m.isoweekday() % 7),
    "z": lambda m: str(m.timetuple().tm_yday - 1),
    "W": lambda m: f"{m.isocalendar()[1]:02d}",
    "F": lambda m: m.strftime("%B"),
    "m": lambda m: f"{m.month:02d}",
    "M": lambda m: m.strftime("%b"),
    "n": lambda m: str(m.month),
    "t": lambda m: str(calendar.monthrange(m.year, m.month)[1]),
    "L": lambda m: "1" if calendar.isleap(m.year) else "0",
    "o": lambda m: str(m.isocalendar()[0]),
    "Y": lambda m: str(m.year),
    "y": lambda m: f"{m.year % 100:02d}",
    "a": lambda m: "am" if m.hour < 12 else "pm",
    "A": lambda m: "AM" if m.hour < 12 else "PM",
    "g": lambda m: str(m.hour % 12 or 12),
    "G": lambda m: str(m.hour),
    "h": lambda m: f"{m.hour % 12 or 12:02d}",
    "H": lambda m: f"{m.hour:02d}",
    "i": lambda m: f"{m.minute:02d}",
    "s": lambda m: f"{m.second:02d}",
    "u": lambda m: f"{m.microsecond:06d}",
    "v": lambda m: f"{m.microsecond // 1000:03d}",
    "e": lambda m: "UTC",
    "T": lambda m: "UTC",
    "I": lambda m: "0",
    "O": lambda m: _offset(m, False),
    "P": lambda m: _offset(m, True),
    "Z": lambda m: str(int(m.utcoffset().total_seconds()) if m.utcoffset() else 0),
    "U": lambda m: str(int(m.timestamp())),
    "c": lambda m: m.strftime("%Y-%m-%dT%H:%M:%S") + _offset(m, True),
    "r": lambda m: m.strftime("%a, %d %b %Y %H:%M:%S ") + _offset(m, False),
}


def to_datetime(value: object, now: datetime | None) -> datetime:
    """Read a date value as Twig does: null or 'now' is now, numbers are timestamps."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "now"):
        if now is None:
            raise TwigValueError("the current date is not available here")
        return now if now.tzinfo else now.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    text = to_text(value)
    if text.isascii() and (text.isdigit() or (text[:1] == "-" and text[1:].isdigit())):
        try:
            return datetime.fromtimestamp(int(text), tz=UTC)
        except (OverflowError, ValueError, OSError):
            raise TwigValueError(f"'{text}' is not a date") from None
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise TwigValueError(f"'{value}' is not a date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_date(value: object, pattern: str | None, now: datetime | None) -> str:
    """Format a date with PHP's letters; a backslash prints the next letter as is."""
    moment = to_datetime(value, now)
    out: list[str] = []
    escaped = False
    for char in DEFAULT_FORMAT if pattern is None else pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            letter = _LETTERS.get(char)
            out.append(letter(moment) if letter else char)
    return "".join(out)
