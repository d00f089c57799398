"""Which webhook URLs and addresses alerts may go to: HTTPS, and only to the public internet.

A merchant types the URL, so without these checks a webhook could make this server call
its own private network (its database, a cloud metadata service). The URL is checked when
it is saved and its addresses again after every DNS lookup, and the request goes to the
address checked, so a name that later resolves elsewhere cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
Resolver = Callable[..., list]


class WebhookAddressError(ValueError):
    """The webhook URL or an address it resolves to is refused; the message says why."""


@dataclass(frozen=True)
class WebhookTarget:
    """A checked webhook URL taken apart: where to connect and what to ask for."""

    host: str
    port: int
    path: str

    @property
    def host_header(self) -> str:
        """The Host header: the name as typed, with the port when it is not 443."""
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == 443 else f"{name}:{self.port}"


def parse_webhook_url(url: str) -> WebhookTarget:
    """Check the URL's form (HTTPS, a host, no credentials); raise WebhookAddressError."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise WebhookAddressError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise WebhookAddressError(f"This is not a URL that can be called: {exc}.") from None
    if parts.scheme != "https":
        raise WebhookAddressError(
            "The webhook URL must start with https:// (alerts are sent only over an encrypted "
            "connection)."
        )
    if not parts.hostname:
        raise WebhookAddressError("The webhook URL has no host name.")
    if parts.username or parts.password:
        raise WebhookAddressError(
            "Leave user names and passwords out of the URL; every message is signed instead "
            "(see the signing secret)."
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(parts.hostname, port, path)


def refusal_for(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why alerts may not go to this IP address, in words, or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else f"{ip} is this server itself (a loopback address)"
    if ip.is_link_local:
        return f"{ip} is a link-local address (cloud metadata services live there)"
    if ip.is_private:
        return f"{ip} is a private network address"
    if not ip.is_global or ip.is_multicast:
        return f"{ip} is not a public internet address"
    return None


def resolve_checked(
    target: WebhookTarget, *, allow_loopback: bool = False, resolver: Resolver | None = None
) -> list[str]:
    """Resolve the host and check every address; refuse them all if any one is not public."""
    lookup = resolver or socket.getaddrinfo
    try:
        infos = lookup(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookAddressError(f"The host {target.host} could not be found ({exc}).") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise WebhookAddressError(f"The host {target.host} has no address.")
    for address in addresses:
        why = refusal_for(address, allow_loopback=allow_loopback)
        if why:
            raise WebhookAddressError(
                f"Alerts are not sent to {target.host}: it resolves to {why}. Use an address "
                "on the public internet."
            )
    return addresses


def check_webhook_url(
    url: str, *, allow_loopback: bool = False, resolver: Resolver | None = None
) -> WebhookTarget:
    """Check a URL as it is saved: its form, then the addresses its host has now."""
    target = parse_webhook_url(url)
    resolve_checked(target, allow_loopback=allow_loopback, resolver=resolver)
    return target
