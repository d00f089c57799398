"""Webhook URLs: HTTPS only, and never to this server's own or private networks."""

from __future__ import annotations

import socket

import pytest

from webapp.alerts.addresses import (
    WebhookAddressError,
    check_webhook_url,
    parse_webhook_url,
    refusal_for,
    resolve_checked,
)


def resolver_to(*addresses: str):
    """A DNS lookup that answers these addresses, as getaddrinfo would."""

    def lookup(host, port, type=None):  # noqa: A002 - getaddrinfo's own keyword
        family = socket.AF_INET6
        return [(family if ":" in a else socket.AF_INET, type, 6, "", (a, port)) for a in addresses]

    return lookup


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://hooks.example.com/x", "must start with https://"),
        ("ftp://hooks.example.com/x", "must start with https://"),
        ("https:///path", "no host name"),
        ("https://user:pw@hooks.example.com/", "Leave user names and passwords out"),
        ("https://hooks.example.com:99999/", "not a URL that can be called"),
    ],
)
def test_a_url_of_the_wrong_form_is_refused_in_words(url, words):
    with pytest.raises(WebhookAddressError, match=words):
        parse_webhook_url(url)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "::1", "10.1.2.3", "192.168.0.9", "172.16.5.5", "169.254.169.254",
     "fe80::1", "100.64.0.1", "0.0.0.0",  # noqa: S104 - an address refused, not bound
     "::ffff:127.0.0.1", "224.0.0.1", "fd00::1"],
)  # fmt: skip
def test_private_loopback_and_link_local_addresses_are_refused(address):
    assert refusal_for(address) is not None


def test_public_addresses_pass_and_loopback_only_when_allowed():
    assert refusal_for("93.184.216.34") is None
    assert refusal_for("2606:2800:220:1:248:1893:25c8:1946") is None
    assert refusal_for("127.0.0.1", allow_loopback=True) is None
    assert refusal_for("10.0.0.1", allow_loopback=True) is not None


def test_a_name_that_resolves_to_a_private_address_is_refused_when_saved():
    with pytest.raises(WebhookAddressError, match="resolves to 10.0.0.7 is a private network"):
        check_webhook_url("https://hooks.example.com/", resolver=resolver_to("10.0.0.7"))


def test_one_private_address_among_public_ones_refuses_them_all():
    target = parse_webhook_url("https://hooks.example.com/x")
    with pytest.raises(WebhookAddressError, match="169.254.169.254"):
        resolve_checked(target, resolver=resolver_to("93.184.216.34", "169.254.169.254"))


def test_the_real_resolver_refuses_localhost_unless_loopback_is_allowed():
    with pytest.raises(WebhookAddressError, match="loopback"):
        check_webhook_url("https://localhost/hook")
    assert check_webhook_url("https://localhost:8443/h?a=1", allow_loopback=True).path == "/h?a=1"


def test_a_host_that_does_not_exist_is_refused_in_words():
    with pytest.raises(WebhookAddressError, match="could not be found"):
        check_webhook_url("https://no-such-host.invalid/")
