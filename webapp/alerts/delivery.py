"""Send one queued alert by email or webhook and record how it went, in words."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from cryptography.fernet import MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.alerts.email import EmailError, build_message, parse_smtp_url, send_email
from webapp.alerts.messages import AlertMessage, compose
from webapp.alerts.settings import alert_settings, recipients, webhook_secret
from webapp.alerts.webhook import WebhookError, post_alert
from webapp.clock import utcnow
from webapp.crypto import TokenDecryptError
from webapp.models import AlertDelivery, AlertEpisode, Store
from webapp.models.alerts import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    DELIVERY_FAILED,
    DELIVERY_QUEUED,
    DELIVERY_RETRYING,
    DELIVERY_SENT,
    EVENT_TEST,
)

log = logging.getLogger(__name__)
NO_SMTP = "Email alerts cannot be sent: the server has no SMTP_URL set (ask its operator)."
LOST_SIGNING_KEY = (
    "The webhook's signing secret cannot be read on this server (the encryption keys changed): "
    "make a new one under Settings → Alerts and give it to the receiver."
)
# A delivery still queued this long after it was made has lost its job (Redis restarted).
LOST_AFTER = timedelta(minutes=2)


class DeliveryRetryError(Exception):
    """The alert did not go out but may on a later try; the job re-raises it so RQ retries."""


class PermanentDeliveryError(Exception):
    """The alert cannot go out and trying again cannot help (no SMTP_URL, no secret)."""


@dataclass(frozen=True)
class AlertConfig:
    """The deployment's alert settings, from the app's config."""

    smtp_url: str = ""
    sender: str = ""
    allow_loopback: bool = False
    ca_file: str = ""
    public_url: str = ""

    @property
    def panel_url(self) -> str:
        """The JOOR panel's address for messages, when the public URL is known."""
        return f"{self.public_url.rstrip('/')}/integrations/joor" if self.public_url else ""


def config_from_app(app) -> AlertConfig:
    """Read the alert settings from a Flask app's config."""
    c = app.config
    return AlertConfig(
        smtp_url=c.get("SMTP_URL", ""),
        sender=c.get("SMTP_FROM", ""),
        allow_loopback=bool(c.get("ALERT_WEBHOOK_ALLOW_LOOPBACK")),
        ca_file=c.get("ALERT_WEBHOOK_CA_FILE", ""),
        public_url=c.get("PUBLIC_URL", ""),
    )


def queue_test(session: Session, store_id: int, channel: str) -> AlertDelivery | None:
    """Queue a test alert to one channel as set now (commits); None when it is not set."""
    settings = alert_settings(session, store_id)
    target = settings.email_to if channel == CHANNEL_EMAIL else settings.webhook_url
    if not target:
        return None
    delivery = AlertDelivery(store_id=store_id, event=EVENT_TEST, channel=channel, target=target)
    session.add(delivery)
    session.commit()
    return delivery


def deliver(
    session: Session, box: MultiFernet, config: AlertConfig, delivery_id: int, *, final: bool
) -> str | None:
    """Send the delivery once; record it sent or failed (raise DeliveryRetryError to retry)."""
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is None or delivery.status in (DELIVERY_SENT, DELIVERY_FAILED):
        return delivery.status if delivery else None
    store = session.get(Store, delivery.store_id)
    episode = session.get(AlertEpisode, delivery.episode_id) if delivery.episode_id else None
    message = compose(delivery, store, episode, config.panel_url)
    delivery.attempts = (delivery.attempts or 0) + 1
    try:
        _send(session, box, config, delivery, message)
    except (EmailError, WebhookError, PermanentDeliveryError) as exc:
        retry = not final and not isinstance(exc, PermanentDeliveryError)
        delivery.status = DELIVERY_RETRYING if retry else DELIVERY_FAILED
        delivery.error = str(exc)
        session.commit()
        log.warning("store %s: alert delivery %s (%s) attempt %s failed: %s", store.id,
                    delivery.id, delivery.channel, delivery.attempts, exc)  # fmt: skip
        if retry:
            raise DeliveryRetryError(str(exc)) from None
        return delivery.status
    delivery.status, delivery.error, delivery.sent_at = DELIVERY_SENT, "", utcnow()
    session.commit()
    log.info("store %s: alert delivery %s sent by %s", store.id, delivery.id, delivery.channel)
    return delivery.status


def _send(
    session: Session,
    box: MultiFernet,
    config: AlertConfig,
    delivery: AlertDelivery,
    message: AlertMessage,
) -> None:
    if delivery.channel == CHANNEL_EMAIL:
        _email(config, delivery, message)
    elif delivery.channel == CHANNEL_WEBHOOK:
        try:
            secret = webhook_secret(alert_settings(session, delivery.store_id), box)
        except TokenDecryptError:
            raise PermanentDeliveryError(LOST_SIGNING_KEY) from None
        _webhook(secret, config, delivery, message)
    else:
        raise PermanentDeliveryError(f"Unknown alert channel {delivery.channel!r}.")


def _email(config: AlertConfig, delivery: AlertDelivery, message: AlertMessage) -> None:
    if not config.smtp_url:
        raise PermanentDeliveryError(NO_SMTP)
    sender = config.sender or "Joor Sync <alerts@localhost>"
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    msg_id = make_msgid(idstring=f"alert-{delivery.id}", domain=domain)
    email = build_message(sender, recipients(delivery.target), message.subject, message.text,
                          msg_id)  # fmt: skip
    send_email(parse_smtp_url(config.smtp_url), email)


def _webhook(secret: str, config: AlertConfig, delivery: AlertDelivery, message: AlertMessage):
    body = json.dumps(message.payload, separators=(",", ":")).encode()
    post_alert(delivery.target, body, secret=secret, event=message.payload["event"],
               delivery_id=message.payload["id"], allow_loopback=config.allow_loopback,
               ca_file=config.ca_file)  # fmt: skip


def waiting_deliveries(session: Session, now: datetime) -> list[AlertDelivery]:
    """Deliveries queued or retrying for a while: the job layer checks each still has a job."""
    cutoff = now - LOST_AFTER
    query = select(AlertDelivery).where(
        AlertDelivery.status.in_((DELIVERY_QUEUED, DELIVERY_RETRYING)),
        AlertDelivery.created_at < cutoff,
    )
    return list(session.scalars(query.order_by(AlertDelivery.id).limit(500)))


def recent_deliveries(session: Session, store_id: int, limit: int = 10) -> list[AlertDelivery]:
    """The store's newest deliveries, for the settings page."""
    query = select(AlertDelivery).where(AlertDelivery.store_id == store_id)
    return list(session.scalars(query.order_by(AlertDelivery.id.desc()).limit(limit)))
