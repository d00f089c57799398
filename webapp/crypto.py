"""Encryption at rest for JOOR access tokens (Fernet, with key rotation)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenDecryptError(Exception):
    """A stored token could not be decrypted with any configured key."""


def _derived_key(secret_key: str) -> bytes:
    """Derive a Fernet key from SECRET_KEY when no dedicated key is configured."""
    digest = hashlib.sha256(b"joor-sync token encryption\x00" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def cipher(keys: str, secret_key: str) -> MultiFernet:
    """Return the cipher: the first key encrypts, every key decrypts (rotation)."""
    listed = [k.strip() for k in keys.split(",") if k.strip()]
    fernets = [Fernet(k.encode()) for k in listed] or [Fernet(_derived_key(secret_key))]
    return MultiFernet(fernets)


def encrypt(box: MultiFernet, token: str) -> str:
    """Encrypt a token for storage."""
    return box.encrypt(token.encode()).decode()


def decrypt(box: MultiFernet, stored: str) -> str:
    """Decrypt a stored token; raise TokenDecryptError when the keys do not match."""
    try:
        return box.decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptError(
            "The stored JOOR token cannot be decrypted with the configured keys; reconnect."
        ) from exc
