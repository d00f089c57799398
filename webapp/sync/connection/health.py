"""Gather what is known about a store's JOOR connection and hand it to the health rule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.models import (
    AlertEpisode,
    JoorConnection,
    PushedStock,
    SettingsChange,
    SyncEvent,
    SyncRun,
)
from webapp.models.alerts import TOPIC_CONNECTION, TOPIC_ORDERS
from webapp.models.sync import (
    AWAITING_CONFIRMATION,
    FAILED,
    KIND_INVENTORY,
    KIND_MANUAL,
    KIND_POLL,
    SUCCEEDED,
)
from webapp.rules.health import (
    CONNECTED,
    FAILURE_STREAK,
    PAUSED,
    HealthFacts,
    PushFacts,
    RunStreak,
    Verdict,
    judge_health,
)
from webapp.sync.connection.state import FIRST_POLL_GRACE
from webapp.sync.push.outcome import NOT_SENT

IMPORT_KINDS = (KIND_POLL, KIND_MANUAL)
REASONS_SHOWN = 3


def connection_verdict(
    session: Session, conn: JoorConnection, now: datetime | None = None
) -> Verdict:
    """The connection's health verdict, from its row and its runs."""
    return judge_health(health_facts(session, conn, now or utcnow()))


def _row_facts(conn: JoorConnection, now: datetime) -> dict:
    """What the connection row alone tells."""
    return {
        "now": now,
        "status": conn.status,
        "has_token": conn.is_connected,
        "last_error": conn.last_error or "",
        "poll_minutes": conn.poll_minutes or 0,
        "sync_inventory": bool(conn.sync_inventory),
        "warehouse": conn.warehouse or "",
        "inventory_mode": conn.inventory_mode,
    }


def health_facts(session: Session, conn: JoorConnection, now: datetime) -> HealthFacts:
    """Everything the health rule weighs, read from the database (nothing from JOOR)."""
    base = _row_facts(conn, now)
    if not conn.is_connected or conn.status != "connected":
        return HealthFacts(**base)  # the verdict needs nothing more
    last_check = _last_run(session, conn.store_id, (KIND_POLL,))
    return HealthFacts(
        **base,
        last_push=_last_push(session, conn.store_id),
        warehouses_before=_warehouses_before(session, conn.store_id),
        imports=_streak(session, conn.store_id, IMPORT_KINDS),
        pushes=_streak(session, conn.store_id, (KIND_INVENTORY,)),
        checks_expected_since=_checks_expected_since(session, conn),
        last_check_success_at=_last_import_success(session, conn.store_id),
        last_check_status=last_check.status if last_check else None,
        last_check_error=last_check.error if last_check else "",
    )


def _finished(store_id: int, kinds: tuple[str, ...]):
    return select(SyncRun).where(
        SyncRun.store_id == store_id, SyncRun.kind.in_(kinds), SyncRun.finished_at.is_not(None)
    )


def _last_run(session: Session, store_id: int, kinds: tuple[str, ...]) -> SyncRun | None:
    query = select(SyncRun).where(SyncRun.store_id == store_id, SyncRun.kind.in_(kinds))
    return session.scalar(query.order_by(SyncRun.id.desc()).limit(1))


def _last_push(session: Session, store_id: int) -> PushFacts | None:
    """The last finished push, with JOOR's refusal reasons counted."""
    run = session.scalar(
        _finished(store_id, (KIND_INVENTORY,)).order_by(SyncRun.id.desc()).limit(1)
    )
    if run is None:
        return None
    counts = run.counts or {}
    refused = _refusals(session, run.id) if counts.get("failed") else ()
    return PushFacts(
        sent=int(counts.get("sent", 0)),
        refused=int(counts.get("failed", 0)),
        warehouse=_warehouse_sent(session, run) if refused else "",
        reasons=refused,
        awaiting_confirmation=run.status == AWAITING_CONFIRMATION,
    )


def _refusals(session: Session, run_id: int) -> tuple[tuple[str, int], ...]:
    """JOOR's reasons for refusing the run's SKUs, with their counts, commonest first."""
    count = func.count()
    rows = session.execute(
        select(SyncEvent.reason, count)
        .where(
            SyncEvent.run_id == run_id,
            SyncEvent.outcome == "failed",
            ~SyncEvent.reason.startswith(NOT_SENT, autoescape=True),
        )
        .group_by(SyncEvent.reason)
        .order_by(count.desc(), SyncEvent.reason)
        .limit(REASONS_SHOWN)
    )
    return tuple((reason, n) for reason, n in rows)


def _warehouse_sent(session: Session, run: SyncRun) -> str:
    """The warehouse the run's SKUs went to, as its events recorded it."""
    first = session.scalar(
        select(SyncEvent.detail)
        .where(SyncEvent.run_id == run.id, SyncEvent.outcome.in_(("passed", "failed")))
        .where(~SyncEvent.reason.startswith(NOT_SENT, autoescape=True))
        .order_by(SyncEvent.id)
        .limit(1)
    )
    return str((first or {}).get("warehouse", ""))


def _warehouses_before(session: Session, store_id: int) -> tuple[str, ...]:
    """Warehouses where JOOR has taken stock from this store."""
    rows = session.scalars(
        select(PushedStock.warehouse)
        .where(PushedStock.store_id == store_id, PushedStock.accepted_at.is_not(None))
        .distinct()
        .order_by(PushedStock.warehouse)
    )
    return tuple(rows)


def _streak(session: Session, store_id: int, kinds: tuple[str, ...]) -> RunStreak:
    """How many of the newest finished runs of these kinds failed in a row."""
    newest = session.execute(
        _finished(store_id, kinds)
        .with_only_columns(SyncRun.status, SyncRun.error)
        .order_by(SyncRun.id.desc())
        .limit(FAILURE_STREAK)
    ).all()
    failed = 0
    for status, _ in newest:
        if status != FAILED:
            break
        failed += 1
    return RunStreak(failed, newest[0][1] if failed else "")


def _last_import_success(session: Session, store_id: int) -> datetime | None:
    """When an import (scheduled or by hand) last succeeded: either brings the orders in."""
    return session.scalar(
        select(func.max(SyncRun.finished_at)).where(
            SyncRun.store_id == store_id,
            SyncRun.kind.in_(IMPORT_KINDS),
            SyncRun.status == SUCCEEDED,
        )
    )


def _checks_expected_since(session: Session, conn: JoorConnection) -> datetime | None:
    """From when checks were due: the connection (after its grace), or the schedule's change."""
    if conn.connected_at is None:
        return None
    changed = session.scalar(
        select(func.max(SettingsChange.changed_at)).where(
            SettingsChange.store_id == conn.store_id, SettingsChange.setting == "poll_minutes"
        )
    )
    return max(filter(None, (conn.connected_at + FIRST_POLL_GRACE, changed)))


def stored_verdicts(session: Session, now: datetime | None = None) -> list[dict]:
    """Every store's verdict as the clock's last alert check left it (two queries: /healthz).

    Trouble found in runs is what the open episode says; the rest the connection row tells.
    """
    now = now or utcnow()
    open_by_store = {
        (episode.store_id, episode.topic): episode
        for episode in session.scalars(
            select(AlertEpisode).where(AlertEpisode.resolved_at.is_(None))
        )
    }
    found = []
    for conn in session.scalars(select(JoorConnection).order_by(JoorConnection.store_id)):
        verdict = judge_health(HealthFacts(**_row_facts(conn, now)))
        episode = open_by_store.get((conn.store_id, TOPIC_CONNECTION))
        if episode is not None and verdict.state in (CONNECTED, PAUSED):
            verdict = Verdict(episode.verdict, episode.cause)
        quiet = open_by_store.get((conn.store_id, TOPIC_ORDERS))
        found.append({
            "store_id": conn.store_id,
            "verdict": verdict.state,
            "cause": verdict.cause or None,
            "since": episode.opened_at.isoformat() if episode is not None else None,
            "orders_quiet_since": quiet.opened_at.isoformat() if quiet is not None else None,
        })  # fmt: skip
    return found
