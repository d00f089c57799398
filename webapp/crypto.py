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
    fernets = [_fernet(key, n, len(listed)) for n, key in enumerate(listed, 1)]
    return MultiFernet(fernets or [Fernet(_derived_key(secret_key))])


def _fernet(key: str, number: int, count: int) -> Fernet:
    """One listed key as a Fernet; a wrong one is named, not shown, in the error."""
    try:
        return Fernet(key.encode())
    except ValueError:
        raise ValueError(
            f"TOKEN_ENCRYPTION_KEYS: key {number} of {count} is not a Fernet key (32 url-safe "
            "base64-encoded bytes). Generate one with: python -c 'from cryptography.fernet "
            "import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


def encrypt(box: MultiFernet, token: str) -> str:
    """Encrypt a token for storage."""
    return box.encrypt(token.encode()).decode()


def reencrypt(box: MultiFernet, stored: str) -> str:
    """The stored token encrypted with the first key; TokenDecryptError when no key reads it."""
    try:
        return box.rotate(stored.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptError("no configured key decrypts this token") from exc


def decrypt(box: MultiFernet, stored: str) -> str:
    """Decrypt a stored token; raise TokenDecryptError when the keys do not match."""
    try:
        return box.decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptError(
            "The stored JOOR token cannot be decrypted with the configured keys; reconnect."
        ) from exc
