"""A store's JOOR connection: connecting, switching accounts, recording how calls went."""

from __future__ import annotations

import logging
from datetime import timedelta

from cryptography.fernet import MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.crypto import TokenDecryptError, encrypt, reencrypt
from webapp.joor import (
    Dialect,
    JoorAuthError,
    JoorConfigError,
    JoorError,
    account_key_for,
)
from webapp.models import Folder, JoorConnection, Store
from webapp.models.joor import STATUS_CONNECTED, STATUS_DISCONNECTED, STATUS_FAILING
from webapp.sync.connection.clients import ClientFactory
from webapp.sync.connection.settings import schedule_next_poll
from webapp.sync.push.pushed_stock import forget_pushed

log = logging.getLogger(__name__)
FIRST_POLL_GRACE = timedelta(minutes=5)


def get_connection(session: Session, store_id: int) -> JoorConnection:
    """Return the store's connection row, creating an empty (disconnected) one if needed."""
    conn = session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
    if conn is None:
        # New orders land in the store's first folder ("New") until the merchant picks another.
        first_folder = session.scalar(
            select(Folder.id).where(Folder.store_id == store_id).order_by(Folder.position)
        )
        conn = JoorConnection(store_id=store_id, folder_id=first_folder)
        session.add(conn)
        session.flush()
    return conn


def connect(
    session: Session, factory: ClientFactory, store_id: int, token: str, environment: str
) -> JoorConnection:
    """Check the token against JOOR, then store it encrypted; raise JoorError when refused."""
    token = token.strip()
    if not token:
        raise JoorConfigError("empty token", user_message="Paste the access token JOOR gave you.")
    client = factory.for_token(token, environment)
    client.check_connection()
    conn = get_connection(session, store_id)
    adopt_token(conn, encrypt(factory.cipher, token), token, environment, client.dialect)
    session.commit()
    log.info("store %s connected to JOOR (%s)", store_id, environment)
    return conn


def adopt_token(
    conn: JoorConnection,
    encrypted: str,
    token: str,
    environment: str,
    checked: Dialect | None = None,
) -> None:
    """Make a token JOOR accepted the connection's own and poll at once (caller commits).

    Another JOOR account (or environment) has its own orders and holds none of our stock: its
    first poll looks back afresh instead of starting from the previous account's watermark,
    and its first push sends every count, as no full push has reached it yet. What the
    client learned of the old one's answers (path, paging, dates) is forgotten too; `checked`
    is what the token's check learned of the new one.
    """
    account_key = account_key_for(token)
    if account_key != conn.account_key or environment != conn.environment:
        conn.watermark = None
        forget_pushed(Session.object_session(conn), conn.store_id)
        conn.last_full_push_at = None
        conn.overwritten_warehouses = conn.overwrite_basis = None
        conn.wire_dialect, conn.probe_result = None, None
    if checked is not None:
        remember_dialect(conn, checked)
    conn.token_encrypted, conn.token_last4 = encrypted, token[-4:]
    conn.account_key, conn.environment = account_key, environment
    conn.status, conn.last_error, conn.last_error_at = STATUS_CONNECTED, "", None
    conn.connected_at = conn.last_success_at = utcnow()
    schedule_next_poll(conn, from_now=True)
    if conn.watermark is None and conn.next_poll_at is not None:
        # A first connection: the merchant gets a few minutes to set which orders to download
        # and where before the first check puts any in a folder (the panel says when).
        conn.next_poll_at += FIRST_POLL_GRACE


def disconnect(session: Session, store_id: int) -> JoorConnection:
    """Forget the token; settings stay so a reconnect picks up where the merchant left off."""
    conn = get_connection(session, store_id)
    # The account key (a hash, not the token) stays: connecting the same token again keeps
    # what that JOOR account was sent and where its polls got to; another token starts afresh.
    conn.token_encrypted, conn.token_last4 = None, ""
    conn.status, conn.next_poll_at = STATUS_DISCONNECTED, None
    # The old connection's last error no longer says anything about the next one.
    conn.last_error, conn.last_error_at = "", None
    session.commit()
    log.info("store %s disconnected from JOOR", store_id)
    return conn


def remember_dialect(conn: JoorConnection, learned: Dialect) -> None:
    """Keep what a client learned of JOOR's answers on the connection (the caller commits)."""
    known = {**(conn.wire_dialect or {}), **learned.as_dict()}
    if known != (conn.wire_dialect or {}):
        log.info("store %s: JOOR answers %s", conn.store_id, known)
        conn.wire_dialect = known


def record_success(conn: JoorConnection) -> None:
    """Note a successful call (the caller commits); a failing connection that works polls again."""
    conn.last_success_at = utcnow()
    if conn.status == STATUS_FAILING:
        conn.status = STATUS_CONNECTED
        # A refused token stopped the polls; JOOR takes it again, so they start again now.
        schedule_next_poll(conn, from_now=True)


def record_failure(conn: JoorConnection, error: JoorError) -> None:
    """Note a failed call in words; a refused token marks the connection failing and stops polls."""
    conn.last_error = error.user_message
    conn.last_error_at = utcnow()
    if isinstance(error, JoorAuthError):
        conn.status = STATUS_FAILING
        conn.next_poll_at = None
    # JOOR_API.md: keep the status and the start of JOOR's body (token already redacted).
    log.warning("store %s JOOR call failed: %s (status %s) body: %r", conn.store_id, error,
                error.status, error.body_excerpt)  # fmt: skip


def rotate_stored_tokens(session: Session, box: MultiFernet) -> tuple[int, set[str]]:
    """Re-encrypt every store's tokens with the first key (commits); return (count, unreadable).

    Unreadable: the slugs of stores with a token no configured key decrypts, left as they are.
    """
    rotated, unreadable = 0, set()
    query = select(JoorConnection, Store.slug).join(Store, Store.id == JoorConnection.store_id)
    rows = session.execute(query)
    for conn, slug in rows:
        for column in ("token_encrypted", "pending_token_encrypted"):
            stored = getattr(conn, column)
            if not stored:
                continue
            try:
                setattr(conn, column, reencrypt(box, stored))
            except TokenDecryptError:
                unreadable.add(slug)
                continue
            rotated += 1
    session.commit()
    return rotated, unreadable
