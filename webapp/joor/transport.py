"""HTTP to JOOR: the auth header, a credit before each attempt, retries, typed errors."""

from __future__ import annotations

import base64
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import requests

from webapp.joor.budget import DEFAULT_MAX_WAIT, CreditBudget, cost_of
from webapp.joor.errors import (
    BODY_EXCERPT_CHARS,
    JoorConfigError,
    JoorError,
    JoorMalformedResponseError,
    JoorRateLimitedError,
    JoorTransientError,
    error_for_status,
)
from webapp.joor.retry import backoff_delay, parse_retry_after

logger = logging.getLogger(__name__)

# One credit window and a margin: no 429 holds the account's callers off for longer.
MAX_SHARED_HOLD = DEFAULT_MAX_WAIT
_RETRYABLE = (JoorTransientError, JoorRateLimitedError, JoorMalformedResponseError)
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_REDACTED = "[redacted]"
# Told of each retry after an error (not a 429): the error, attempt, seconds to wait, attempts.
RetryHook = Callable[[JoorError, int, float, int], None]


class Transport:
    """Sends requests for one token; holds the token so nothing else needs to."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        budget: CreditBudget,
        session: requests.Session | None = None,
        timeout: float = 30,
        max_retries: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 60,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        decode_json: Callable[[bytes], Any] = json.loads,
        on_retry: RetryHook | None = None,
    ) -> None:
        token = (token or "").strip()
        if not token:
            raise JoorConfigError(
                "A JOOR access token is required.",
                user_message="Paste the access token JOOR gave you.",
            )
        if not base_url.startswith(("https://", "http://")):
            raise JoorConfigError(f"JOOR base URL must be http(s), got {base_url!r}")
        encoded = base64.b64encode(token.encode("utf-8")).decode("ascii")
        self._authorization = f"OAuth2 {encoded}"
        self._secrets = (token, encoded)
        self.base_url = base_url.rstrip("/")
        self.budget = budget
        self._decode_json = decode_json
        self._session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng
        self._on_retry = on_retry

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> Any:
        """Send one logical request: budget before each attempt, retries, parsed JSON back."""
        cost = cost_of(method)
        attempt = 0
        while True:
            attempt += 1
            self.budget.acquire(cost)
            try:
                return self._send_once(method, path, params, body, attempt)
            except _RETRYABLE as error:
                if isinstance(error, JoorRateLimitedError):
                    # JOOR's window is spent for everyone on this account, retrying or not.
                    self.budget.penalize(self._shared_hold(error.retry_after, method, path))
                if attempt > self.max_retries:
                    logger.warning(
                        "JOOR %s %s giving up after %s attempts: %s", method, path, attempt, error
                    )
                    raise
                self._wait_before_retry(error, method, path, attempt)

    def _send_once(
        self, method: str, path: str, params: dict[str, Any] | None, body: Any, attempt: int
    ) -> Any:
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=self._headers(),
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise JoorTransientError(
                f"JOOR did not answer {method} {path} within {self.timeout}s",
                user_message="JOOR did not answer in time. We will try again later.",
            ) from exc
        except _TRANSPORT_ERRORS as exc:
            raise JoorTransientError(
                f"Could not connect to JOOR for {method} {path} ({type(exc).__name__})",
                user_message="Could not connect to JOOR. We will try again later.",
            ) from exc
        logger.debug("JOOR %s %s -> %s (attempt %s)", method, path, response.status_code, attempt)
        if not 200 <= response.status_code < 300:
            raise self._error_for(response, method, path, attempt)
        try:
            return self._decode_json(response.content)
        except ValueError:
            raise JoorMalformedResponseError(
                f"JOOR answered {method} {path} with a body that is not valid JSON",
                status=response.status_code,
                body_excerpt=self._excerpt(response.text),
            ) from None

    def _error_for(
        self, response: requests.Response, method: str, path: str, attempt: int
    ) -> JoorError:
        retry_after = None
        if response.status_code == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None:
                # No header: wait out our view of the window, and never less than the backoff.
                retry_after = max(self.budget.usage().resets_in, self._backoff(attempt))
        return error_for_status(
            response.status_code,
            method=method,
            path=path,
            body_excerpt=self._excerpt(response.text),
            retry_after=retry_after,
        )

    def _shared_hold(self, retry_after: float, method: str, path: str) -> float:
        """How long every caller on the account holds off: JOOR's Retry-After, up to a window.

        JOOR's window resets whole every 300 s, so a longer Retry-After (a clock far off, a
        proxy's header) would stop every job of the account, in every process, for as long as
        it says. Everyone, this call too, tries again after one window instead.
        """
        if retry_after > MAX_SHARED_HOLD:
            logger.warning(
                "JOOR %s %s asked to wait %.0fs; every caller holds off %.0fs (one window)",
                method,
                path,
                retry_after,
                MAX_SHARED_HOLD,
            )
            return MAX_SHARED_HOLD
        return retry_after

    def _wait_before_retry(self, error: JoorError, method: str, path: str, attempt: int) -> None:
        if isinstance(error, JoorRateLimitedError):
            # The budget does the waiting, so every worker sharing it pauses, not only this one.
            logger.warning(
                "JOOR %s %s rate limited (attempt %s); holding the budget for %.1fs",
                method,
                path,
                attempt,
                error.retry_after,
            )
            return
        wait = self._backoff(attempt)
        if self._on_retry is not None:
            try:
                self._on_retry(error, attempt, wait, self.max_retries + 1)
            except Exception:  # noqa: BLE001 - telling someone must never stop the retry
                logger.warning("JOOR retry hook failed", exc_info=True)
        logger.warning(
            "JOOR %s %s failed (attempt %s, status %s): %s; retrying in %.1fs",
            method,
            path,
            attempt,
            error.status,
            error,
            wait,
        )
        self._sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return backoff_delay(attempt, self.backoff_base, self.backoff_cap, self._rng)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": self._authorization,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    def _excerpt(self, text: str) -> str:
        """Return the body's start for the log, with the token in any form blanked out."""
        longest = max(len(secret) for secret in self._secrets)
        excerpt = text[: BODY_EXCERPT_CHARS + longest]
        for secret in self._secrets:
            excerpt = excerpt.replace(secret, _REDACTED)
        return excerpt[:BODY_EXCERPT_CHARS]
