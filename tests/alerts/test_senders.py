"""The two channels against real servers: SMTP (aiosmtpd) and an HTTPS receiver."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.alert_support import running_receiver, running_smtp, signature_matches
from tests.unit.alerts.test_addresses import resolver_to
from webapp.alerts.email import EmailError, build_message, parse_smtp_url, send_email
from webapp.alerts.webhook import WebhookError, post_alert, signature

SECRET = "whsec_test"


@pytest.fixture
def receiver(tmp_path):
    with running_receiver(tmp_path) as running:
        yield running


def _post(receiver, url=None, **options):
    body = json.dumps({"event": "alert.test"}).encode()
    options = {"allow_loopback": True, "ca_file": receiver.ca_file, **options}
    return post_alert(url or receiver.url, body, secret=SECRET, event="alert.test",
                      delivery_id="delivery-1", **options), body  # fmt: skip


def test_a_webhook_arrives_over_https_signed_with_the_secret(receiver):
    status, body = _post(receiver)
    [got] = receiver.requests
    assert status == 200 and got.body == body and got.path == "/hooks/joor"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-JoorSync-Event"] == "alert.test"
    assert got.headers["X-JoorSync-Delivery"] == "delivery-1"
    assert got.headers["Host"] == receiver.url.split("/")[2]
    assert signature_matches(SECRET, got.headers["X-JoorSync-Signature"], got.body)
    assert not signature_matches("another secret", got.headers["X-JoorSync-Signature"], got.body)


def test_the_signature_is_hmac_sha256_of_the_time_a_dot_and_the_body():
    expected = hmac.new(b"s", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signature("s", 1700000000, b"{}") == f"t=1700000000,v1={expected}"
    assert signature("s", 1, b"{}") != signature("s", 2, b"{}")
    assert signature("s", 1, b"{}") != signature("s", 1, b"[]")


def test_loopback_is_refused_after_resolution_unless_allowed(receiver):
    with pytest.raises(WebhookError, match="loopback"):
        _post(receiver, allow_loopback=False)
    assert receiver.requests == []


def test_a_name_rebound_to_a_private_address_at_send_time_is_not_called(receiver):
    # Saved while it pointed elsewhere; at send time it resolves to a private address.
    with pytest.raises(WebhookError, match="private network"):
        _post(receiver, resolver=resolver_to("10.9.8.7"))
    assert receiver.requests == []


def test_a_certificate_not_trusted_is_refused(receiver):
    with pytest.raises(WebhookError, match="Could not reach localhost"):
        _post(receiver, ca_file="")  # the public CAs do not vouch for a self-signed certificate
    assert receiver.requests == []


def test_a_receiver_answering_an_error_is_a_failure_in_words(receiver):
    receiver.answers.append(503)
    with pytest.raises(WebhookError, match="answered HTTP 503"):
        _post(receiver)


def test_an_email_reaches_a_real_smtp_server_with_its_headers():
    with running_smtp() as mailbox:
        to = ["a@example.com", "b@example.com"]
        subject = "Acme: the JOOR connection needs attention"
        message = build_message("Joor Sync <alerts@example.com>", to, subject, "Words.\n",
                                "<alert-1@example.com>")  # fmt: skip
        send_email(parse_smtp_url(mailbox.url), message)
        [got] = mailbox.wait_for(1)
    assert got["Subject"] == "Acme: the JOOR connection needs attention"
    assert got["X-Envelope-To"] == "a@example.com, b@example.com"
    assert got["Message-ID"] == "<alert-1@example.com>"
    assert got.get_content().replace("\r\n", "\n") == "Words.\n"  # SMTP carries CRLF


def test_an_smtp_server_that_is_not_there_is_a_failure_in_words():
    with running_smtp() as mailbox:
        url = mailbox.url
    message = build_message("a@example.com", ["b@example.com"], "s", "t", "<x@example.com>")
    with pytest.raises(EmailError, match="Could not hand the email to 127.0.0.1"):
        send_email(parse_smtp_url(url), message)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "plain", "", "")),
        ("smtp+starttls://u%40x:p%3Aw@mail.example.com", ("mail.example.com", 587, "starttls",
                                                          "u@x", "p:w")),
        ("smtps://mail.example.com", ("mail.example.com", 465, "ssl", "", "")),
    ],
)  # fmt: skip
def test_smtp_url_forms(url, expected):
    server = parse_smtp_url(url)
    assert (server.host, server.port, server.security, server.username, server.password) == (
        expected
    )
    with pytest.raises(EmailError, match="SMTP_URL must look like"):
        parse_smtp_url("mail.example.com:25")
