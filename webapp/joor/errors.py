"""The one exception family at the JOOR client's edge, with words a merchant understands."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable

BODY_EXCERPT_CHARS = 500
# Where JOOR's error bodies may say why (undocumented for v2), and how much of it we quote.
REASON_KEYS = ("message", "error", "detail", "error_description")
REASON_CHARS = 200
_FIELD_WORDS = re.compile(r"\b(field|parameter|param|key|attribute|property|column)s?\b", re.I)


class JoorError(Exception):
    """Any failure talking to JOOR; status and body excerpt for the log, user_message for people."""

    default_user_message = "Something went wrong talking to JOOR."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body_excerpt: str = "",
        user_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body_excerpt = body_excerpt[:BODY_EXCERPT_CHARS]
        self.user_message = user_message or self.default_user_message


class JoorConfigError(JoorError, ValueError):
    """The client was configured wrongly (unknown environment, missing token, bad setting)."""

    default_user_message = "The JOOR connection is not set up correctly."


class JoorAuthError(JoorError):
    """JOOR refused the token (401 or 403): stop and tell the merchant."""

    default_user_message = (
        "JOOR refused the access token. Check that you pasted the whole token "
        "and that it has not been revoked."
    )


class JoorRateLimitedError(JoorError):
    """The account's credit window is used up; retry_after says how long until it resets."""

    default_user_message = (
        "JOOR's rate limit for this account is used up (300 credits per 5 minutes). "
        "The next try waits for the window to reset."
    )

    def __init__(self, message: str, *, retry_after: float, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class JoorTransientError(JoorError):
    """A failure a later try may not see: 5xx, timeout, connection error."""

    default_user_message = "JOOR could not be reached or had a problem. We will try again later."


class JoorBadRequestError(JoorError):
    """JOOR rejected the request itself (400, 404 and other 4xx); retrying will not help."""

    default_user_message = "JOOR rejected the request without saying why."


class JoorPagingError(JoorError):
    """JOOR's pages cannot be walked to the window's end without risking a skipped order."""

    default_user_message = (
        "JOOR's pages of orders did not add up, so the import stopped rather than skip an "
        "order without a word. The orders stored so far are kept; contact support."
    )


class JoorMalformedResponseError(JoorError):
    """JOOR answered 200 with a body we cannot read: not JSON, truncated, or the wrong shape."""

    default_user_message = (
        "JOOR sent an answer we could not read. We will try again later; "
        "if it keeps happening, contact support."
    )


def user_message_for_status(
    status: int, retry_after: float | None = None, body_excerpt: str = ""
) -> str:
    """Return plain words for an HTTP status JOOR answered with (and its reason, for a 4xx)."""
    if status == 401:
        return (
            "JOOR refused the access token (401). Check that you pasted the whole token "
            "and that it has not been revoked."
        )
    if status == 403:
        return (
            "JOOR refused the access token (403). Check that the token belongs to this "
            "JOOR account and environment (Production or Sandbox) and has API access."
        )
    if status == 429:
        wait = f" {in_about(retry_after)}" if retry_after is not None else ""
        return (
            "JOOR's rate limit for this account is used up (300 credits per 5 minutes); "
            f"it resets{wait}. Another integration may be using the same account."
        )
    if status == 404:
        return (
            "JOOR does not know this address (404). Check that the environment "
            "(Production or Sandbox) is the right one."
        )
    if status >= 500:
        return f"JOOR is having trouble right now ({status}). We will try again later."
    if 300 <= status < 400:
        return (
            f"JOOR answered with a redirect ({status}), which is not followed: calls go only "
            "to JOOR's API address for the environment. Check that the environment "
            "(Production or Sandbox) is the right one."
        )
    reason = joor_reason(body_excerpt)
    if not reason:
        return f"JOOR rejected the request ({status}) without saying why."
    return f'JOOR rejected the request ({status}). JOOR said: "{reason}"'


def joor_reason(body_excerpt: str) -> str:
    """JOOR's own words from an error body: its JSON message, or short plain text; else ""."""
    text = body_excerpt.strip()
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        found = (body.get(key) for key in REASON_KEYS)
        text = next((value.strip() for value in found if isinstance(value, str)), "")
    elif body is not None or text[:1] in ("<", "{", "["):
        text = ""  # a bare JSON value, JSON cut short, an HTML page: not words for a merchant
    return " ".join(text.split())[:REASON_CHARS]


def refused_field(reason: str, names: Iterable[str]) -> str | None:
    """The field a JOOR refusal names, among those sent ("style_identifier"), or None.

    A name with an underscore is a field wherever it appears; a plain word ("size") only
    where the reason speaks of a field, so "unknown warehouse: X" stays about the value.
    """
    for name in sorted(set(names), key=len, reverse=True):
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", reason, re.I) and (
            "_" in name or _FIELD_WORDS.search(reason)
        ):
            return name
    return None


def error_for_status(
    status: int,
    *,
    method: str,
    path: str,
    body_excerpt: str,
    retry_after: float | None = None,
) -> JoorError:
    """Build the typed error for a non-2xx answer; the caller has already redacted the body."""
    message = f"JOOR answered {status} to {method} {path}"
    kwargs = {
        "status": status,
        "body_excerpt": body_excerpt,
        "user_message": user_message_for_status(status, retry_after, body_excerpt),
    }
    if status in (401, 403):
        return JoorAuthError(message, **kwargs)
    if status == 429:
        return JoorRateLimitedError(message, retry_after=retry_after or 0.0, **kwargs)
    if status >= 500:
        return JoorTransientError(message, **kwargs)
    return JoorBadRequestError(message, **kwargs)


def in_about(seconds: float) -> str:
    """A wait in words: "in about 1 second", "in about 40 seconds", "in about 4 min"."""
    whole = max(1, math.ceil(seconds))
    if whole >= 120:
        return f"in about {round(whole / 60)} min"
    return f"in about {whole} second{'s' if whole != 1 else ''}"


def names_date(error: JoorBadRequestError) -> bool:
    """Whether JOOR's refusal is about the date filter (its body names a date)."""
    return "date" in error.body_excerpt.lower()


def both_paths_unknown(error: JoorBadRequestError, paths: Iterable[str]) -> JoorBadRequestError:
    """JOOR knows none of the orders paths: the host (the environment) is not JOOR's API."""
    tried = " nor ".join(paths)
    return JoorBadRequestError(
        f"JOOR answered 404 to {tried}",
        status=404,
        body_excerpt=error.body_excerpt,
        user_message=(
            f"JOOR does not know the orders address ({tried}; 404). Check that the "
            "environment (Production or Sandbox) is the one your token belongs to."
        ),
    )


def field_refusal(error: JoorBadRequestError, sent: Iterable[str]) -> JoorBadRequestError:
    """A refusal of a push that names one of its fields, said as such; else as it was."""
    reason = joor_reason(error.body_excerpt)
    name = refused_field(reason, sent) if reason else None
    if name is None:
        return error
    error.user_message = (
        f'JOOR did not accept the field "{name}" ({error.status}). JOOR said: "{reason}". '
        "Nothing of this push was changed in JOOR. Contact support with this message: the "
        "names of the fields sent to JOOR are set by this integration, not by a setting."
    )
    return error
