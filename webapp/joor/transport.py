"""HTTP to JOOR: the auth header, a credit before each attempt, retries, typed errors."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
from webapp.joor.options import ClientOptions, RetryHook
from webapp.joor.retry import backoff_delay, parse_retry_after

logger = logging.getLogger(__name__)

__all__ = ["Exchange", "RetryHook", "Transport"]

# One credit window and a margin: no 429 holds the account's callers off for longer.
MAX_SHARED_HOLD = DEFAULT_MAX_WAIT
# A later try may not see these; an unreadable 200 (not JSON, cut short, the wrong shape) too.
_RETRYABLE = (JoorTransientError, JoorMalformedResponseError)
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_REDACTED = "[redacted]"
T = TypeVar("T")


@dataclass
class Exchange:
    """One attempt as the probe reports it: status, headers, time, the decoded body or error."""

    path: str
    status: int | None
    ms: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    error: JoorError | None = None


class Transport:
    """Sends requests for one token; holds the token so nothing else needs to."""

    def __init__(self, token: str, base_url: str, options: ClientOptions) -> None:
        token = (token or "").strip()
        if not token:
            raise JoorConfigError(
                "A JOOR access token is required.",
                user_message="Paste the access token JOOR gave you.",
            )
        if not base_url.startswith(("https://", "http://")):
            raise JoorConfigError(f"JOOR base URL must be http(s), got {base_url!r}")
        if options.budget is None:
            raise JoorConfigError("a Transport needs the client's credit budget")
        encoded = base64.b64encode(token.encode("utf-8")).decode("ascii")
        self._authorization = f"OAuth2 {encoded}"
        self._secrets = (token, encoded)
        self.base_url = base_url.rstrip("/")
        self.options = options
        self.budget: CreditBudget = options.budget
        self.credits_spent = 0  # every attempt's credits, as drawn from the budget
        self._session = options.session if options.session is not None else requests.Session()

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    @property
    def max_retries(self) -> int:
        """Tries after the first for a fault a later try may not see."""
        return self.options.max_retries

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        read: Callable[[Any], T] | None = None,
        attempts: int | None = None,
    ) -> Any:
        """Send one logical request and return its JSON, passed through `read` when given.

        `read` checks the answer's shape; a JoorMalformedResponseError from it is a JOOR fault
        like a 5xx, tried again. A 429 waits for JOOR's window without using up a try.
        `attempts` caps the tries (1 for a token check a person waits on).
        """
        tries = self.max_retries + 1 if attempts is None else attempts
        cost, attempt, held = cost_of(method), 0, 0.0
        while True:
            self.budget.acquire(cost)
            self.credits_spent += cost
            try:
                answer = self._send_once(method, path, params, body, attempt + 1)
                return read(answer) if read is not None else answer
            except JoorRateLimitedError as error:
                held += self._hold_for(error, method, path)
                if attempts is not None or held > self.options.max_rate_limited_wait:
                    raise
            except _RETRYABLE as error:
                attempt += 1
                if attempt >= tries:
                    logger.warning(
                        "JOOR %s %s giving up after %s attempts: %s", method, path, attempt, error
                    )
                    raise
                self._wait_before_retry(error, method, path, attempt, tries)

    def exchange(self, method: str, path: str, params: dict[str, Any] | None = None) -> Exchange:
        """Send one attempt and report it, whatever JOOR answers (for `joor probe`)."""
        self.budget.acquire(cost_of(method))
        self.credits_spent += cost_of(method)
        started = time.perf_counter()
        response, error = None, None
        try:
            response = self._send(method, path, params, None)
            if not 200 <= response.status_code < 300:
                error = self._error_for(response, method, path, 1)
        except JoorError as exc:
            error = exc
        ms = round((time.perf_counter() - started) * 1000)
        if response is None:
            return Exchange(path, None, ms, error=error)
        found = Exchange(path, response.status_code, ms, dict(response.headers), error=error)
        if error is None:
            try:
                found.body = self._decode(response, method, path)
            except JoorMalformedResponseError as exc:
                found.error = exc
        return found

    def _send(
        self, method: str, path: str, params: dict[str, Any] | None, body: Any
    ) -> requests.Response:
        try:
            return self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=self._headers(),
                timeout=self.options.timeout,
                allow_redirects=False,  # never to a host other than the environment's
            )
        except requests.Timeout as exc:
            raise JoorTransientError(
                f"JOOR did not answer {method} {path} within {self.options.timeout}s",
                user_message="JOOR did not answer in time. We will try again later.",
            ) from exc
        except _TRANSPORT_ERRORS as exc:
            raise JoorTransientError(
                f"Could not connect to JOOR for {method} {path} ({type(exc).__name__})",
                user_message="Could not connect to JOOR. We will try again later.",
            ) from exc

    def _send_once(
        self, method: str, path: str, params: dict[str, Any] | None, body: Any, attempt: int
    ) -> Any:
        response = self._send(method, path, params, body)
        logger.debug("JOOR %s %s -> %s (attempt %s)", method, path, response.status_code, attempt)
        if not 200 <= response.status_code < 300:
            raise self._error_for(response, method, path, attempt)
        return self._decode(response, method, path)

    def _decode(self, response: requests.Response, method: str, path: str) -> Any:
        try:
            return self.options.decode_json(response.content)
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

    def _hold_for(self, error: JoorRateLimitedError, method: str, path: str) -> float:
        """Hold every caller on the account off (the budget does the waiting); return how long.

        JOOR's window is spent for everyone on this account, retrying or not. It resets whole
        every 300 s, so a longer Retry-After (a clock far off, a proxy's header) would stop
        every job of the account, in every process, for as long as it says: everyone, this
        call too, tries again after one window instead.
        """
        hold = error.retry_after
        if hold > MAX_SHARED_HOLD:
            logger.warning(
                "JOOR %s %s asked to wait %.0fs; every caller holds off %.0fs (one window)",
                method,
                path,
                hold,
                MAX_SHARED_HOLD,
            )
            hold = MAX_SHARED_HOLD
        self.budget.penalize(hold)
        logger.warning("JOOR %s %s rate limited; holding the budget for %.1fs", method, path, hold)
        return hold

    def _wait_before_retry(
        self, error: JoorError, method: str, path: str, attempt: int, tries: int
    ) -> None:
        wait = self._backoff(attempt)
        hook = self.options.on_retry
        if hook is not None:
            try:
                hook(error, attempt, wait, tries)
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
        self.options.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        o = self.options
        return backoff_delay(attempt, o.backoff_base, o.backoff_cap, o.rng)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": self._authorization,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    def redact(self, text: str) -> str:
        """Return the text with the token, in any form, blanked out."""
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def _excerpt(self, text: str) -> str:
        """Return the body's start for the log, with the token in any form blanked out."""
        longest = max(len(secret) for secret in self._secrets)
        return self.redact(text[: BODY_EXCERPT_CHARS + longest])[:BODY_EXCERPT_CHARS]
