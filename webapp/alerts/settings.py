"""A store's alert channels: reading, checking and saving them, and the webhook's secret."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from cryptography.fernet import MultiFernet
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.alerts.addresses import Resolver, WebhookAddressError, check_webhook_url
from webapp.clock import utcnow
from webapp.crypto import TokenDecryptError, decrypt, encrypt, reencrypt
from webapp.models import AlertSettings

MAX_RECIPIENTS = 5
SEPARATORS = re.compile(r"[\s,;]+")


class AlertSettingsError(ValueError):
    """A channel was refused; `errors` maps the field to a message in words."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Saved:
    """What a save changed; `new_secret` is shown once, when a webhook first gets one."""

    settings: AlertSettings
    new_secret: str | None = None


def alert_settings(session: Session, store_id: int) -> AlertSettings:
    """The store's alert settings, created empty (no channel) when it has none yet."""
    query = select(AlertSettings).where(AlertSettings.store_id == store_id)
    found = session.scalar(query)
    if found is None:
        # Two first saves at once both find no row: the one that inserts second keeps the first's
        # row (it waits for it on PostgreSQL) instead of failing on the unique store_id.
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        row = dict(store_id=store_id, email_to="", webhook_url="", updated_at=utcnow())
        insert = dialect.insert(AlertSettings).values(row)
        session.execute(insert.on_conflict_do_nothing(index_elements=["store_id"]))
        found = session.scalar(query)
    return found


def recipients(email_to: str) -> list[str]:
    """The addresses in the email field."""
    return [part for part in SEPARATORS.split(email_to or "") if part]


def clean_recipients(email_to: str) -> str:
    """Check the addresses (at most five); return them normalised, comma-separated."""
    found = recipients(email_to)
    if len(found) > MAX_RECIPIENTS:
        raise AlertSettingsError({"email_to": f"Give at most {MAX_RECIPIENTS} addresses."})
    clean = []
    for address in found:
        try:
            clean.append(validate_email(address, check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            raise AlertSettingsError({"email_to": f"{address}: {exc}"}) from None
    return ", ".join(clean)


def save_channels(
    session: Session,
    box: MultiFernet,
    store_id: int,
    *,
    email_to: str,
    webhook_url: str,
    allow_loopback: bool = False,
    resolver: Resolver | None = None,
) -> Saved:
    """Check and keep both channels (commits); a new webhook gets a new signing secret."""
    settings = alert_settings(session, store_id)
    errors: dict[str, str] = {}
    try:
        emails = clean_recipients(email_to)
    except AlertSettingsError as exc:
        errors.update(exc.errors)
    url = webhook_url.strip()
    if url:
        try:
            check_webhook_url(url, allow_loopback=allow_loopback, resolver=resolver)
        except WebhookAddressError as exc:
            errors["webhook_url"] = str(exc)
    if errors:
        session.rollback()
        raise AlertSettingsError(errors)
    new_secret = None
    if url and (url != settings.webhook_url or not settings.webhook_secret_encrypted):
        new_secret = _new_secret(settings, box)
    if not url:
        settings.webhook_secret_encrypted = None
    settings.email_to, settings.webhook_url, settings.updated_at = emails, url, utcnow()
    session.commit()
    return Saved(settings, new_secret)


def regenerate_secret(session: Session, box: MultiFernet, store_id: int) -> str | None:
    """Give the webhook a new signing secret (commits) and return it, or None with no webhook."""
    settings = alert_settings(session, store_id)
    if not settings.webhook_url:
        return None
    secret = _new_secret(settings, box)
    session.commit()
    return secret


def _new_secret(settings: AlertSettings, box: MultiFernet) -> str:
    secret = "whsec_" + secrets.token_urlsafe(32)
    settings.webhook_secret_encrypted = encrypt(box, secret)
    return secret


def webhook_secret(settings: AlertSettings, box: MultiFernet) -> str:
    """The webhook's signing secret; TokenDecryptError when the keys changed under it."""
    if not settings.webhook_secret_encrypted:
        raise TokenDecryptError("This webhook has no signing secret; save it again.")
    return decrypt(box, settings.webhook_secret_encrypted)


def rotate_webhook_secrets(session: Session, box: MultiFernet) -> tuple[int, int]:
    """Re-encrypt every webhook secret with the first key (commits); return (done, unreadable)."""
    done = unreadable = 0
    query = select(AlertSettings).where(AlertSettings.webhook_secret_encrypted.is_not(None))
    for settings in session.scalars(query):
        try:
            settings.webhook_secret_encrypted = reencrypt(box, settings.webhook_secret_encrypted)
            done += 1
        except TokenDecryptError:
            unreadable += 1
    session.commit()
    return done, unreadable
