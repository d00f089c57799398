"""Real receivers for alerts: a local SMTP server (aiosmtpd) and an HTTPS webhook receiver."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    """A port nobody listens on now (for servers that cannot be handed port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(arrived: list, count: int, what: str, timeout: float) -> list:
    """Wait (with a deadline) until another thread has put `count` things in `arrived`."""
    deadline = time.monotonic() + timeout
    while len(arrived) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(arrived)} of {count} {what} arrived in time")
        time.sleep(0.05)
    return list(arrived)


@dataclass
class Mailbox:
    """The messages a local SMTP server took, parsed."""

    url: str
    messages: list[EmailMessage] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        """Wait (with a deadline) until `count` messages arrived; return them."""
        return wait_for(self.messages, count, "emails", timeout)


class _Collect:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        parsed["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.mailbox.messages.append(parsed)
        return "250 OK"


@contextlib.contextmanager
def running_smtp() -> Iterator[Mailbox]:
    """A real SMTP server on a free loopback port; yields its mailbox (SMTP_URL in .url)."""
    port = free_port()
    mailbox = Mailbox(f"smtp://127.0.0.1:{port}")
    controller = Controller(_Collect(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, and its key; the certificate is its own CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "receiver.crt", directory / "receiver.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    """One POST the receiver took."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTPS webhook receiver: its URL, the CA file that trusts it, what it received."""

    url: str
    ca_file: str
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer with, in turn; 200 once they run out.
    answers: list[int] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Wait (with a deadline) until `count` requests arrived; return them."""
        return wait_for(self.requests, count, "webhooks", timeout)


def signature_matches(secret: str, header: str, body: bytes) -> bool:
    """Check a signature header as README tells a receiver to."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


@contextlib.contextmanager
def running_receiver(directory: Path, host: str = "localhost") -> Iterator[Receiver]:
    """A real HTTPS server on a free loopback port with a self-signed certificate."""
    cert, key = self_signed(directory)
    receiver = Receiver("", str(cert))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.answers.pop(0) if receiver.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.url = f"https://{host}:{server.server_port}/hooks/joor"
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
