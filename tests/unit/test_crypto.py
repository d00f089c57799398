"""Tokens are encrypted at rest and keys can rotate."""

import pytest
from cryptography.fernet import Fernet

from webapp.crypto import TokenDecryptError, cipher, decrypt, encrypt


def test_round_trip_and_ciphertext_hides_the_token():
    box = cipher("", "secret")
    stored = encrypt(box, "my-joor-token")
    assert "my-joor-token" not in stored
    assert decrypt(box, stored) == "my-joor-token"


def test_rotation_decrypts_with_an_older_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = encrypt(cipher(old, "s"), "tok")
    assert decrypt(cipher(f"{new},{old}", "s"), stored) == "tok"


def test_wrong_key_is_a_clear_error():
    stored = encrypt(cipher("", "one"), "tok")
    with pytest.raises(TokenDecryptError, match="reconnect"):
        decrypt(cipher("", "two"), stored)


def test_a_malformed_key_names_the_setting_not_the_key():
    import pytest

    from webapp.crypto import cipher

    good = "k" * 43 + "="
    with pytest.raises(ValueError, match="TOKEN_ENCRYPTION_KEYS: key 2 of 2 is not a Fernet") as e:
        cipher(f"{good},not-a-key", "secret")
    assert "not-a-key" not in str(e.value)
