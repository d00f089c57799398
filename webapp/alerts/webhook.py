"""Send one signed JSON alert to a merchant's webhook, to an address checked after DNS."""

from __future__ import annotations

import hashlib
import hmac

import certifi
import urllib3

from webapp.alerts.addresses import (
    Resolver,
    WebhookAddressError,
    parse_webhook_url,
    resolve_checked,
)
from webapp.clock import now_epoch

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
        SIGNATURE_HEADER: signature(secret, int(now if now is not None else now_epoch()), body),
        EVENT_HEADER: event,
        DELIVERY_HEADER: delivery_id,
    }
    response = _post_to_first_reachable(addresses, target, body, headers, ca_file)
    if not 200 <= response.status < 300:
        raise WebhookError(f"{target.host} answered HTTP {response.status}; a 2xx was expected.")
    return response.status


def _post_to_first_reachable(addresses, target, body: bytes, headers: dict, ca_file: str):
    """POST to each checked address in turn until one connects (a name may have several)."""
    failure: Exception | None = None
    for address in addresses:
        # The checked address itself is dialled; the certificate must still name the host.
        pool = urllib3.HTTPSConnectionPool(
            address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_file or certifi.where(),
            timeout=urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS),
            retries=False,
        )
        try:
            return pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False)
        except urllib3.exceptions.NewConnectionError as exc:
            failure = exc  # nobody listens there: the host's next address may answer
        except urllib3.exceptions.HTTPError as exc:
            raise WebhookError(f"Could not reach {target.host}: {_words(exc)}") from None
        finally:
            pool.close()
    raise WebhookError(f"Could not reach {target.host}: {_words(failure)}")


def _words(exc: Exception) -> str:
    """The gist of a connection error, without urllib3's object reprs."""
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    return text.split(": ", 1)[-1] if "object at 0x" in text else text
