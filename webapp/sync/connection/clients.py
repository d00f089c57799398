"""JOOR clients for stores: built from the app's settings, each account drawing on its budget."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import orjson
from cryptography.fernet import MultiFernet

from webapp.crypto import TokenDecryptError, decrypt
from webapp.joor import (
    ClientOptions,
    Dialect,
    JoorAuthError,
    JoorClient,
    JoorConfigError,
    RedisCreditBudget,
    account_key_for,
    cost_of,
    resolve_base_url,
)
from webapp.joor.budget import SharedBudget
from webapp.models import JoorConnection
from webapp.models.sync import KIND_INVENTORY

log = logging.getLogger(__name__)


class UnreadableTokenError(JoorAuthError):
    """The stored token cannot be decrypted here: as good as refused, until a reconnect."""

    default_user_message = (
        "The stored JOOR access token can no longer be read on this server (its encryption "
        "keys were changed). Connect again with your access token; imports and pushes wait "
        "until then."
    )


@dataclass(frozen=True)
class ClientFactory:
    """Builds JOOR clients for stores; services receive one so tests can hand in their own."""

    cipher: MultiFernet
    redis: Any
    local_url: str = ""
    timeout: float = 30
    client_options: tuple[tuple[str, Any], ...] = ()

    def for_token(
        self,
        token: str,
        environment: str,
        on_retry=None,
        share: int | None = None,
        dialect: Dialect | None = None,
    ) -> JoorClient:
        """Return a client for a token in an environment, drawing on that account's budget.

        With `share` (percent) the client is a push's: it takes at most that share of each
        credit window and never waits for one (see SharedBudget).
        """
        base_url = resolve_base_url(environment, self.local_url or None)
        budget = RedisCreditBudget(self.redis, account_key_for(token))
        if share is not None:
            budget = SharedBudget(budget, share)
        options = ClientOptions(
            budget=budget, timeout=self.timeout, decode_json=orjson.loads, on_retry=on_retry
        )
        options = replace(options, **dict(self.client_options))
        return JoorClient(token, base_url, options, dialect=dialect)

    def for_connection(
        self, connection: JoorConnection, on_retry=None, share: int | None = None
    ) -> JoorClient:
        """Return the client for a stored connection (decrypting its token); see RetryHook."""
        if not connection.token_encrypted:
            raise JoorConfigError(
                "store is not connected",
                user_message="This store is not connected to JOOR. Connect it on the JOOR panel.",
            )
        try:
            token = decrypt(self.cipher, connection.token_encrypted)
        except TokenDecryptError:
            log.error(
                "store %s: its stored JOOR token cannot be decrypted with the configured keys "
                "(SECRET_KEY or TOKEN_ENCRYPTION_KEYS changed?)",
                connection.store_id,
            )
            raise UnreadableTokenError("stored token unreadable") from None
        learned = Dialect.from_dict(connection.wire_dialect)
        return self.for_token(token, connection.environment, on_retry, share, learned)

    def budget_usage(self, connection: JoorConnection):
        """Return the credit usage of the connection's JOOR account in the current window."""
        return RedisCreditBudget(self.redis, connection.account_key).usage()


def credit_wait(usage, kind: str) -> float | None:
    """Seconds a run of this kind waits for JOOR's next window, or None when it has credits.

    A push batch costs a write's credits, an order page a read's; a 429 hold reads as full.
    """
    if usage is None:
        return None
    cost = cost_of("POST" if kind == KIND_INVENTORY else "GET")
    return usage.resets_in if usage.used + cost > usage.limit else None


def factory_from_app(app) -> ClientFactory:
    """Build the factory from a Flask app's config and extensions."""
    return ClientFactory(
        cipher=app.extensions["token_cipher"],
        redis=app.extensions["redis"],
        local_url=app.config.get("JOOR_LOCAL_URL", ""),
        timeout=app.config.get("JOOR_TIMEOUT", 30),
        client_options=tuple(sorted(app.config.get("JOOR_CLIENT_OPTIONS", {}).items())),
    )
