"""Login attempt limits: atomic counters in Redis per address and email, per address, per email.

An attempt takes its place in every counter before the password is checked, in one Lua script,
so parallel guesses can never get more checks than the limit; a correct password gives its
place back. Nothing resets a counter early: another account's success must not open a window
for more guesses. A stranger's guesses fill only their own address's counters, and the counter
of an email across every address does not apply where that account logged in recently: a
merchant is never locked out of their own office by someone else's guessing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app

from webapp.extensions import get_redis

KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600

# KEYS: the address+email, address and email counters, then the "known address" flag.
# ARGV: the window in seconds, then the three limits. Returns the seconds to wait, or 0.
_TAKE = """
local known = redis.call('EXISTS', KEYS[4]) == 1
for i = 1, 3 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i + 1]) and not (i == 3 and known) then
    return math.max(redis.call('TTL', KEYS[i]), 1)
  end
end
for i = 1, 3 do
  if redis.call('INCR', KEYS[i]) == 1 or redis.call('TTL', KEYS[i]) < 0 then
    redis.call('EXPIRE', KEYS[i], ARGV[1])
  end
end
return 0
"""
# KEYS: the three counters, then the "known address" flag; ARGV: how long it is known.
_GIVE_BACK = """
for i = 1, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
redis.call('SET', KEYS[4], '1', 'EX', ARGV[1])
"""


@dataclass(frozen=True)
class LoginLimiter:
    """Fixed-window attempt counters; the limits and window come from the app's settings."""

    per_address_and_email: int
    per_address: int
    per_email: int
    window: int

    @staticmethod
    def _keys(address: str, email: str) -> list[str]:
        email_hash = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
        return [
            f"login:pair:{address}:{email_hash}",
            f"login:addr:{address}",
            f"login:email:{email_hash}",
            f"login:known:{address}:{email_hash}",
        ]

    def take(self, address: str, email: str) -> int:
        """Count an attempt before it is checked; return seconds to wait when over a limit."""
        limits = (self.per_address_and_email, self.per_address, self.per_email)
        script = get_redis().register_script(_TAKE)
        return int(script(keys=self._keys(address, email), args=[self.window, *limits]))

    def give_back(self, address: str, email: str) -> None:
        """Uncount a successful attempt and remember the address as this account's."""
        script = get_redis().register_script(_GIVE_BACK)
        script(keys=self._keys(address, email), args=[KNOWN_ADDRESS_SECONDS])


def login_limiter() -> LoginLimiter:
    """Return the limiter configured for this app."""
    cfg = current_app.config
    return LoginLimiter(
        per_address_and_email=cfg["LOGIN_ATTEMPTS_PER_WINDOW"],
        per_address=cfg["LOGIN_ATTEMPTS_PER_ADDRESS"],
        per_email=cfg["LOGIN_ATTEMPTS_PER_EMAIL"],
        window=cfg["LOGIN_WINDOW_SECONDS"],
    )


def wait_words(seconds: int) -> str:
    """How long to wait, in the words the login form shows."""
    minutes = max(1, round(seconds / 60))
    return f"Too many login attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
