"""How a JOOR client sends: one options object, so the client and its transport agree."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from webapp.joor.budget import CreditBudget

if TYPE_CHECKING:
    from webapp.joor.errors import JoorError

# Told of each retry after an error (not a 429): the error, attempt, seconds to wait, attempts.
RetryHook = Callable[["JoorError", int, float, int], None]

# 429s wait for JOOR's window without using up tries; past this much waiting in one request
# JOOR's limit is not a passing storm but another integration spending the account's credits.
MAX_RATE_LIMITED_WAIT = 3600.0


@dataclass(frozen=True)
class ClientOptions:
    """Everything about sending except the token and the host; every field has a default."""

    budget: CreditBudget | None = None  # None: a budget for this process alone
    session: requests.Session | None = None
    timeout: float = 30
    max_retries: int = 5  # tries after the first, for 5xx, timeouts and unreadable answers
    backoff_base: float = 1.0
    backoff_cap: float = 60
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random
    # The app hands in a faster decoder (orjson), keeping this package to the standard library.
    decode_json: Callable[[bytes], Any] = json.loads
    on_retry: RetryHook | None = None
    max_rate_limited_wait: float = MAX_RATE_LIMITED_WAIT
