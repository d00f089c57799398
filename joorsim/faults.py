"""Faults on demand, set through ``POST /_sim/faults``, create_app(faults=...) or CLI flags.

Settings (all optional; a POST changes only the keys it names):

- ``error_rate`` (0..1): fraction of /v2 requests answered with a random 500, 502 or 503.
- ``latency_ms``: delay added before every /v2 request is handled.
- ``storm_429``: the next N authenticated /v2 requests get 429 with ``Retry-After: 1``.
- ``truncate_next``: the next N handled /v2 responses are 200s cut mid-JSON.
- ``malformed_next``: the next N handled /v2 responses are 200s with a non-JSON body
  (HTML) or a JSON body of the wrong shape (a list, or an object without the expected keys),
  in that rotation.
- ``revoke_tokens``: tokens answered 401 from now on (added to the revoked set).
- ``arrivals_per_page``: each /orders page served adds K new orders inside the requested
  date window (or at "now" without one) after the page is built.
- ``fault_seed``: reseeds the random draws (error choice, arrival dates) for reproducibility.
- ``max_inventory_items`` (default 1000; 0 = no limit): a bulk-inventory call carrying more
  items is refused whole with 413 ``{"error": "too_many_items", "message": "...",
  "max_items": N}``, as JOOR's reference names no limit of its own. It is charged (JOOR had
  the call) and changes no stock.
- ``plan``: a list the next /v2 requests take one entry each of, in order: ``"ok"``,
  ``"malformed"``, ``"truncate"``, ``"429"`` or ``"500"`` (a POST replaces the plan).
- ``storm_retry_after``: the ``Retry-After`` seconds of storm and planned 429s (default 1).

Truncated and malformed responses are produced *after* the request took effect: a push is
applied and a ``sync=1`` page is marked even though the client never sees a usable answer.
Storms and 5xx happen before the request is handled and cost no credits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from typing import Any

_COUNTERS = ("latency_ms", "storm_429", "truncate_next", "malformed_next", "arrivals_per_page")
MAX_INVENTORY_ITEMS = 1000
PLANNED = frozenset({"ok", "malformed", "truncate", "429", "500"})


class FaultError(ValueError):
    """A fault setting with an unknown name or a wrong value."""


@dataclass
class Faults:
    """Current fault settings plus the seeded generator that makes them reproducible."""

    error_rate: float = 0.0
    latency_ms: int = 0
    storm_429: int = 0
    truncate_next: int = 0
    malformed_next: int = 0
    revoke_tokens: list[str] = field(default_factory=list)
    arrivals_per_page: int = 0
    fault_seed: int = 0
    max_inventory_items: int = MAX_INVENTORY_ITEMS
    plan: list[str] = field(default_factory=list)
    storm_retry_after: int | float = 1
    malformed_served: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)

    def update(self, settings: dict[str, Any]) -> None:
        """Validate and apply a partial settings mapping; raises FaultError."""
        names = {f.name for f in fields(self)} - {"rng", "malformed_served"}
        unknown = set(settings) - names
        if unknown:
            raise FaultError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        checked = {name: _check(name, value) for name, value in settings.items()}
        for name, value in checked.items():
            if name == "revoke_tokens":
                value = sorted(set(self.revoke_tokens) | set(value))
            setattr(self, name, value)
        if "fault_seed" in checked:
            self.rng = random.Random(self.fault_seed)

    def as_dict(self) -> dict[str, Any]:
        """The settings as ``GET /_sim/faults`` shows them (revoked tokens by last 4 only)."""
        names = ("error_rate", *_COUNTERS, "fault_seed", "max_inventory_items")
        shown = {n: getattr(self, n) for n in (*names, "storm_retry_after")}
        shown["plan"] = list(self.plan)
        shown["revoke_tokens"] = [f"...{t[-4:]}" for t in self.revoke_tokens]
        return shown

    def take(self, counter: str) -> bool:
        """Consume one unit of a countdown fault; True when it fires."""
        left = getattr(self, counter)
        if left <= 0:
            return False
        setattr(self, counter, left - 1)
        return True

    def next_planned(self) -> str | None:
        """Take the plan's next entry ("ok" and an empty plan: no fault)."""
        if not self.plan:
            return None
        planned = self.plan.pop(0)
        return None if planned == "ok" else planned

    def draw_error(self) -> int | None:
        """A 5xx status for this request, drawn at error_rate, or None."""
        if self.error_rate <= 0 or self.rng.random() >= self.error_rate:
            return None
        return self.rng.choice([500, 502, 503])

    def next_malformed_kind(self) -> int:
        """Rotate through the malformed body kinds: 0 HTML, 1 JSON list, 2 wrong keys."""
        kind = self.malformed_served % 3
        self.malformed_served += 1
        return kind


def _check(name: str, value: Any) -> Any:
    """One setting's value, validated."""
    if name == "error_rate":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise FaultError("error_rate must be a number between 0 and 1")
        return float(value)
    if name == "revoke_tokens":
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise FaultError("revoke_tokens must be a list of strings")
        return value
    if name == "plan":
        if not isinstance(value, list) or not set(value) <= PLANNED:
            raise FaultError(f"plan must be a list of {', '.join(sorted(PLANNED))}")
        return list(value)
    if name == "storm_retry_after":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise FaultError("storm_retry_after must be a number of seconds, 0 or more")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultError(f"{name} must be a non-negative integer")
    return value
