"""Send one alert email through the SMTP server SMTP_URL names (standard library MIME)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

TIMEOUT_SECONDS = 30
# smtp:// talks plain (a relay on this machine), smtp+starttls:// must upgrade, smtps:// is TLS.
SECURITY = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}


class EmailError(Exception):
    """The alert email was not handed to the SMTP server; the message says why."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand over mail, from SMTP_URL."""

    host: str
    port: int
    security: str
    username: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpServer:
    """Read SMTP_URL (`smtp://`, `smtp+starttls://` or `smtps://`, user:password@host:port)."""
    parts = urlsplit(url.strip())
    security = SECURITY.get(parts.scheme)
    if security is None or not parts.hostname:
        raise EmailError(
            "SMTP_URL must look like smtp://host:25, smtp+starttls://user:pass@host:587 or "
            "smtps://user:pass@host:465."
        )
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[security],
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def build_message(
    sender: str, recipients: list[str], subject: str, text: str, message_id: str
) -> EmailMessage:
    """A plain-text message with the headers mail servers expect."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id
    message.set_content(text)
    return message


def send_email(server: SmtpServer, message: EmailMessage) -> None:
    """Hand the message to the SMTP server; raise EmailError in words when it is not taken."""
    context = ssl.create_default_context()
    try:
        if server.security == "ssl":
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                      context=context)  # fmt: skip
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        with client:
            if server.security == "starttls":
                client.starttls(context=context)
            if server.username:
                client.login(server.username, server.password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(exc.recipients)
        raise EmailError(f"The mail server refused the address {refused}.") from None
    except smtplib.SMTPAuthenticationError:
        raise EmailError("The mail server refused SMTP_URL's user name or password.") from None
    except (smtplib.SMTPException, OSError) as exc:
        where = f"{server.host}:{server.port}"
        raise EmailError(f"Could not hand the email to {where}: {exc}") from None
