"""Applying JOOR's changes to orders here: by the store's rule, once, in the batch's transaction.

Every write is guarded by the fingerprint the change was compared against (`UPDATE ... WHERE
joor_fingerprint = <the one read>`): another worker or a retried run that read the same change
finds the fingerprint moved on, and records nothing. An update replaces the order's fields
and lines with JOOR's; its id, its folder (unless a cancellation moves it), and all that is
not from JOOR stay. The history (`order_changes`) keeps each change in words, what was done,
and the version read: the next change of an order only noted is told from that version.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.models import Folder, JoorConnection, OrderChange, OrderItem, SyncRun
from webapp.models.store import CANCELLED_FOLDER
from webapp.rules.change_plans import ChangePlan, FolderFacts, cancel_folder, plan_change
from webapp.rules.order_diff import describe_changes, is_cancellation
from webapp.sync.dbapi import insert_many, insert_sql, json_text, timestamp_text
from webapp.sync.orders.mapping import ITEM_COLUMNS, ORDER_COLUMNS
from webapp.sync.orders.pages import FAILED, ImportPlan, outcome_event
from webapp.sync.orders.readings import Reading, unchanged_event
from webapp.sync.orders.snapshot import mapped_snapshot, stored_snapshots

CHANGED = "changed"
RACED = "already imported; another import recorded this change in JOOR at the same moment"
KEPT = "The order here was left as it was."
WORDS_IN_EVENT = 8
UPDATED_COLUMNS = ORDER_COLUMNS[2:-1]  # status to source_modified_at: all JOOR says
ITEM_INSERT_COLUMNS = ("order_id", *ITEM_COLUMNS)
HISTORY_COLUMNS = ("store_id", "order_id", "run_id", "outcome", "cancelled", "moved_from",
                   "moved_to", "changes", "action", "snapshot", "fingerprint",
                   "source_modified_at", "created_at")  # fmt: skip


def apply_changes(
    session: Session, run: SyncRun, plan: ImportPlan, readings: list[Reading]
) -> list[dict[str, Any]]:
    """Record and apply the changes these readings show; return the run's events for them."""
    return ChangeApplier(session, run, plan).apply(readings)


class ChangeApplier:
    """One page's changes: compared, decided, written with the page's transaction."""

    def __init__(self, session: Session, run: SyncRun, plan: ImportPlan) -> None:
        self.session, self.run, self.plan = session, run, plan
        self.now = timestamp_text(utcnow())
        query = select(Folder.id, Folder.name, Folder.is_final).where(
            Folder.store_id == plan.store_id
        )
        self.folders = {fid: (name, final) for fid, name, final in session.execute(query)}
        self.history: list[tuple] = []
        self.new_lines: dict[int, list[tuple]] = {}

    def apply(self, readings: list[Reading]) -> list[dict[str, Any]]:
        """Compare each reading with what is here, apply it, and write lines and history."""
        ids = [reading.present.order_id for reading in readings]
        stored, seen = stored_snapshots(self.session, ids), last_seen(self.session, ids)
        events = []
        for reading in readings:
            order_id = reading.present.order_id
            event = self._one(reading, stored[order_id], seen.get(order_id, stored[order_id]))
            events.extend([event] if event else [])
        if self.new_lines:
            table = OrderItem.__table__
            self.session.execute(delete(table).where(table.c.order_id.in_(self.new_lines)))
            rows = [(oid, *item) for oid, items in self.new_lines.items() for item in items]
            insert_many(self.session, insert_sql(self.session, "order_items", ITEM_INSERT_COLUMNS),
                        rows)  # fmt: skip
        insert_many(self.session, insert_sql(self.session, "order_changes", HISTORY_COLUMNS),
                    self.history)  # fmt: skip
        return events

    def _one(self, reading: Reading, stored: dict, before: dict) -> dict[str, Any] | None:
        """One order's change: decided, guarded, applied; its event (None: already told)."""
        if reading.mapped is None:
            return self._failed(reading)
        after = mapped_snapshot(reading.mapped, lines_sent=reading.lines_sent)
        noted = describe_changes(before, after)
        if not noted:  # another form of the same order (or its first fingerprint): no news
            return self._no_news(reading)
        cancelled = is_cancellation(before, after)
        cancel_id, cancel_name = self._cancel_target()
        facts = self._facts(reading.present.folder_id, cancel_id)
        decision = plan_change(
            self.plan.on_change, facts, cancelled=cancelled, cancel_to=cancel_name
        )
        if not self._write(reading, decision, cancel_id):
            return unchanged_event(reading, RACED)
        words = (describe_changes(stored, after) if decision.update else []) or noted
        snapshot = after if after["lines"] is not None else {**after, "lines": before["lines"]}
        moved = (facts.name, cancel_name) if decision.move else ("", "")
        outcome = "updated" if decision.update else "noted"
        self._remember(reading, outcome, cancelled, moved, words, decision.words, snapshot)
        reason = f"Changed in JOOR: {summary(words)} {decision.words}"
        return outcome_event(reading.source_id, CHANGED, reason, reading.present.order_id)

    def _no_news(self, reading: Reading) -> dict[str, Any] | None:
        """Keep the new fingerprint of an order whose fields are as they were."""
        if not self._guarded(reading, {"joor_fingerprint": reading.fingerprint}):
            return unchanged_event(reading, RACED)
        told = self.run.id in (reading.present.importer, reading.present.changed_run)
        return None if told else unchanged_event(reading)

    def _write(self, reading: Reading, decision: ChangePlan, cancel_id: int | None) -> bool:
        """Mark, move and update the order as decided; False when another run got there first."""
        values: dict[str, Any] = self._marks(reading)
        if decision.move:
            values["folder_id"] = cancel_id or self._create_cancel_folder()
        if decision.update:
            values.update(zip(UPDATED_COLUMNS, reading.mapped.row[2:-1], strict=True))
        if not self._guarded(reading, values):
            return False
        if decision.update and reading.lines_sent:
            self.new_lines[reading.present.order_id] = reading.mapped.items
        return True

    def _failed(self, reading: Reading) -> dict[str, Any]:
        """A new version that cannot be mapped: recorded in words, the order left as it was."""
        if not self._guarded(reading, self._marks(reading)):
            return unchanged_event(reading, RACED)
        problem = reading.problem.rstrip(".") + "."
        self._remember(reading, "failed", False, ("", ""), [problem], KEPT, None)
        reason = (
            f"JOOR changed this order, but its new version cannot be read here: {problem} {KEPT} "
            "Once the order is corrected in JOOR, the next import that reads it applies it."
        )
        return outcome_event(reading.source_id, FAILED, reason, reading.present.order_id)

    def _marks(self, reading: Reading) -> dict[str, Any]:
        """What every change records on the order: its new fingerprint, when, and by which run."""
        return {
            "joor_fingerprint": reading.fingerprint,
            "changed_in_joor_at": self.now,
            "changed_run_id": self.run.id,
        }

    def _guarded(self, reading: Reading, values: dict[str, Any]) -> bool:
        """Write the values unless the order's fingerprint moved on since it was read."""
        mark = "?" if self.session.get_bind().dialect.paramstyle == "qmark" else "%s"
        sets = ", ".join(f'"{name}" = {mark}' for name in values)
        old = reading.present.fingerprint
        guard = '"joor_fingerprint" IS NULL' if old is None else f'"joor_fingerprint" = {mark}'
        sql = f'UPDATE orders SET {sets} WHERE "id" = {mark} AND {guard}'  # noqa: S608 - names are ours
        params = (*values.values(), reading.present.order_id, *([] if old is None else [old]))
        return self.session.connection().exec_driver_sql(sql, params).rowcount == 1

    def _remember(self, reading, outcome, cancelled, moved, words, action, snapshot) -> None:
        """Queue the history entry of one change (written with the page)."""
        self.history.append((
            self.plan.store_id, reading.present.order_id, self.run.id, outcome, cancelled,
            *moved, json_text(words), action, json_text(snapshot), reading.fingerprint,
            reading.modified, self.now,
        ))  # fmt: skip

    def _facts(self, folder_id: int, cancel_id: int | None) -> FolderFacts:
        name, final = self.folders.get(folder_id, ("", False))
        return FolderFacts(name, folder_id == self.plan.folder_id, final, folder_id == cancel_id)

    def _cancel_target(self) -> tuple[int | None, str]:
        """The folder for cancelled orders: the store's choice, else "Cancelled in JOOR"."""
        names = {folder_id: name for folder_id, (name, _final) in self.folders.items()}
        return cancel_folder(names, self.plan.cancelled_folder_id, CANCELLED_FOLDER)

    def _create_cancel_folder(self) -> int:
        """Create "Cancelled in JOOR" on first use (another worker may just have made it)."""
        store_id, session = self.plan.store_id, self.session
        last = session.scalar(select(func.max(Folder.position)).where(Folder.store_id == store_id))
        try:
            with session.begin_nested():
                folder = Folder(store_id=store_id, name=CANCELLED_FOLDER, position=(last or 0) + 1)
                session.add(folder)
                session.flush()
                folder_id = folder.id
        except IntegrityError:
            folder_id = session.scalar(
                select(Folder.id).where(
                    Folder.store_id == store_id, Folder.name == CANCELLED_FOLDER
                )
            )
        self.folders[folder_id] = (CANCELLED_FOLDER, False)
        # The setting now names it, so a rename keeps it the folder for cancelled orders.
        table = JoorConnection.__table__
        session.execute(
            table.update()
            .where(table.c.store_id == store_id, table.c.cancelled_folder_id.is_(None))
            .values(cancelled_folder_id=folder_id)
        )
        return folder_id


def last_seen(session: Session, order_ids: list[int]) -> dict[int, dict]:
    """The JOOR version each order's history last recorded (the rest have none)."""
    # Only each order's newest entry with a snapshot: a long history is not read back whole.
    newest = (
        select(func.max(OrderChange.id))
        .where(OrderChange.order_id.in_(order_ids), OrderChange.snapshot.is_not(None))
        .group_by(OrderChange.order_id)
    )
    query = select(OrderChange.order_id, OrderChange.snapshot).where(OrderChange.id.in_(newest))
    return {order_id: snapshot for order_id, snapshot in session.execute(query) if snapshot}


def summary(words: list[str]) -> str:
    """The first few changes in one sentence, and how many more the order's history holds."""
    more = len(words) - WORDS_IN_EVENT
    text = "; ".join(words[:WORDS_IN_EVENT])
    return text + (f"; and {more} more (the order's history lists them)." if more > 0 else ".")
