"""Send one signed JSON alert to a merchant's webhook, to an address checked after DNS."""

from __future__ import annotations

import hashlib
import hmac
import time

import certifi
import urllib3

from webapp.alerts.addresses import (
    Resolver,
    WebhookAddressError,
    parse_webhook_url,
    resolve_checked,
)

SIGNATURE_HEADER = "X-JoorSync-Signature"
EVENT_HEADER = "X-JoorSync-Event"
DELIVERY_HEADER = "X-JoorSync-Delivery"
USER_AGENT = "JoorSync-Alerts/1"
TIMEOUT_SECONDS = 10


class WebhookError(Exception):
    """The alert did not reach the webhook; the message says why in words."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: `t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post_alert(
    url: str,
    body: bytes,
    *,
    secret: str,
    event: str,
    delivery_id: str,
    allow_loopback: bool = False,
    ca_file: str = "",
    resolver: Resolver | None = None,
    now: float | None = None,
) -> int:
    """POST the body to the webhook, signed; return the HTTP status or raise WebhookError."""
    try:
        target = parse_webhook_url(url)
        addresses = resolve_checked(target, allow_loopback=allow_loopback, resolver=resolver)
    except WebhookAddressError as exc:
        raise WebhookError(str(exc)) from None
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, int(now if now is not None else time.time()), body),
        EVENT_HEADER: event,
        DELIVERY_HEADER: delivery_id,
    }
    # Connect to the checked address itself; the certificate must still name the host typed.
    pool = urllib3.HTTPSConnectionPool(
        addresses[0],
        target.port,
        server_hostname=target.host,
        assert_hostname=target.host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=ca_file or certifi.where(),
        timeout=urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS),
        retries=False,
    )
    try:
        response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False,
                                preload_content=True)  # fmt: skip
    except urllib3.exceptions.HTTPError as exc:
        raise WebhookError(f"Could not reach {target.host}: {_words(exc)}") from None
    finally:
        pool.close()
    if not 200 <= response.status < 300:
        raise WebhookError(f"{target.host} answered HTTP {response.status}; a 2xx was expected.")
    return response.status


def _words(exc: Exception) -> str:
    """The gist of a connection error, without urllib3's object reprs."""
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    return text.split(": ", 1)[-1] if "object at 0x" in text else text
