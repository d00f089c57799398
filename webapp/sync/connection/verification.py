"""Checking a token the merchant submitted on the panel, in a worker (never in the request)."""

from __future__ import annotations

import logging

from cryptography.fernet import MultiFernet
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.crypto import decrypt, encrypt
from webapp.joor import Dialect, JoorAuthError, JoorError
from webapp.models import JoorConnection
from webapp.models.joor import (
    STATUS_CHECKING,
    STATUS_CONNECTED,
    STATUS_DISCONNECTED,
    STATUS_FAILING,
)
from webapp.sync.connection.clients import ClientFactory
from webapp.sync.connection.enqueue import enqueue_verify_connection
from webapp.sync.connection.state import adopt_token, get_connection

log = logging.getLogger(__name__)
CHECK_NOT_DONE = "The token could not be checked with JOOR"


def submit_token(
    session: Session, box: MultiFernet, conn: JoorConnection, token: str, environment: str
) -> None:
    """Keep a token the merchant submitted aside (encrypted) and ask a worker to check it.

    It replaces the connection's token only once JOOR accepts it, so a typo never breaks a
    working connection. The check is queued after the commit, with the store's id read first.
    """
    conn.pending_token_encrypted = encrypt(box, token)
    conn.pending_environment = environment
    conn.pending_since = utcnow()
    conn.status, conn.last_error, store_id = STATUS_CHECKING, "", conn.store_id
    session.commit()
    enqueue_verify_connection(store_id)
    log.info("store %s: token submitted for checking (%s)", store_id, environment)


def verify_pending_token(session: Session, factory: ClientFactory, store_id: int) -> JoorConnection:
    """Check the pending token against JOOR; connect with it, or keep the old state and say why."""
    conn = get_connection(session, store_id)
    pending = conn.pending_token_encrypted
    if not pending:
        return conn
    token = decrypt(factory.cipher, pending)
    environment = conn.pending_environment or conn.environment
    client = factory.for_token(token, environment)
    try:
        client.check_connection()
    except JoorError as exc:
        session.refresh(conn)
        if conn.pending_token_encrypted == pending:  # a newer submission has its own check
            _refuse(conn, exc, environment)
        session.commit()
        return conn
    session.refresh(conn)
    if conn.pending_token_encrypted == pending:
        _accept(conn, token, environment, client.dialect)
    session.commit()
    return conn


def _accept(conn: JoorConnection, token: str, environment: str, checked: Dialect) -> None:
    """Make the checked token the connection's token and schedule a poll now."""
    adopt_token(conn, conn.pending_token_encrypted, token, environment, checked)
    _clear_pending(conn)
    log.info("store %s connected to JOOR (%s) after the check", conn.store_id, environment)


def _refuse(conn: JoorConnection, exc: JoorError, environment: str) -> None:
    """Drop the refused token; the connection goes back to what it was before."""
    if not conn.token_encrypted:
        conn.status = STATUS_DISCONNECTED
    else:
        failing = conn.last_error_at and (
            conn.last_success_at is None or conn.last_error_at > conn.last_success_at
        )
        conn.status = STATUS_FAILING if failing else STATUS_CONNECTED
    # last_error_at stays: it tells whether the stored token was failing before this check.
    reason = check_failure(exc, "Submit it again.")
    conn.last_error = reason
    if conn.token_encrypted:
        conn.last_error = (
            f"The new token was not saved: {reason} "
            f"The token ending {conn.token_last4} is still in use."
        )
    _clear_pending(conn)
    conn.pending_environment = environment  # the form offers the one chosen again
    log.warning("store %s: JOOR refused the submitted token (status %s)", conn.store_id, exc.status)


def check_failure(exc: JoorError, again: str) -> str:
    """Why a token check failed, in words: JOOR's no, or that JOOR could not be asked."""
    if isinstance(exc, JoorAuthError):
        return exc.user_message
    # JOOR did not say no: it could not be asked. Nothing retries a check, so say so.
    return f"{CHECK_NOT_DONE}: {exc.user_message.split('. ')[0].rstrip('.')}. {again}"


def _clear_pending(conn: JoorConnection) -> None:
    conn.pending_token_encrypted, conn.pending_environment, conn.pending_since = None, "", None
