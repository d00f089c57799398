"""Creating stores and their API keys (used by the CLI, the demo and tests)."""

from __future__ import annotations

import hashlib
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import DEFAULT_FOLDERS, Folder, Store, User
from webapp.models.store import FINAL_FOLDERS

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
API_KEY_PREFIX = "js_"
MIN_PASSWORD_LENGTH = 8


class StoreError(ValueError):
    """A store could not be created as asked."""


def create_store(slug: str, name: str, email: str, password: str) -> Store:
    """Create a store with its default folders and first user; commit."""
    if not SLUG.match(slug):
        raise StoreError("The slug takes 2-63 lowercase letters, digits and dashes.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StoreError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        # As the login form checks it: a user it refuses could never log in.
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise StoreError(f"{email!r} is not an email address: {exc}") from None
    if db.session.scalar(select(Store).where(Store.slug == slug)):
        raise StoreError(f"A store with the slug {slug!r} already exists.")
    if db.session.scalar(select(User).where(User.email == email.lower())):
        raise StoreError(f"A user with the email {email!r} already exists.")
    store = Store(slug=slug, name=name)
    store.folders = [
        Folder(name=n, position=i, is_final=n in FINAL_FOLDERS)
        for i, n in enumerate(DEFAULT_FOLDERS)
    ]
    user = User(store=store, email=email.lower(), name=name)
    user.set_password(password)
    db.session.add_all([store, user])
    db.session.commit()
    return store


def hash_api_key(key: str) -> str:
    """Return the stored form of an API key (keys are long random strings; SHA-256 suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(store: Store) -> str:
    """Give the store a new API key, replacing any old one; return it (shown once)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    store.api_key_hash = hash_api_key(key)
    store.api_key_prefix = key[:8]
    store.api_key_created_at = utcnow()
    db.session.commit()
    return key


def revoke_api_key(store: Store) -> None:
    """Remove the store's API key."""
    store.api_key_hash = store.api_key_prefix = store.api_key_created_at = None
    db.session.commit()


def store_for_api_key(key: str) -> Store | None:
    """Return the store that owns this API key, if any."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    return db.session.scalar(select(Store).where(Store.api_key_hash == hash_api_key(key)))
