"""Drill: Overwrite sequences against the simulator's inventory (issues 19 and 21).

3,000 items in Overwrite mode with Style Identifier templates. After every step of a merchant's
sequence (edits, a skip_joor added, an item deleted, templates changed, skip_push on all but
one SKU per style, the daily heal) JOOR's counts in the simulator equal what we recorded it
holds and what the store's items say; each step costs the calls it should, and no automatic
push ever zeroes what a person did not confirm.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import current_app
from sqlalchemy import delete, select

from joorsim.testing import RunningSimulator, running_simulator
from webapp.extensions import db
from webapp.models import InventoryItem, PushedStock, Store, SyncRun
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.settings import Actor, apply_settings
from webapp.sync.connection.state import connect, get_connection
from webapp.sync.push.service import PushSummary, create_push_run, run_push

ITEMS = 3000
FIELDS = ("style_number", "style_identifier", "color_code", "size")
TEMPLATES = {name: f"{{{{ item.metadata.{name} }}}}" for name in FIELDS}


@pytest.fixture
def sim(app) -> Iterator[RunningSimulator]:
    """JOOR with a catalogue of over 3,000 SKUs and its real credit limit."""
    with running_simulator(orders=1, seed=5, styles=200) as running:
        app.config["JOOR_LOCAL_URL"] = running.base_url
        app.config["JOOR_CLIENT_OPTIONS"] = {"backoff_base": 0.01, "backoff_cap": 0.05}
        yield running


@pytest.fixture
def catalogue(sim) -> list[dict]:
    return requests.get(f"{sim.root_url}/_sim/catalog", timeout=5).json()["skus"][:ITEMS]


def configure(store: Store, **changes: str) -> None:
    apply_settings(db.session, get_connection(db.session, store.id), changes, Actor("drill"))


def push(store: Store, **options) -> tuple[PushSummary, SyncRun]:
    run = create_push_run(db.session, store.id, trigger="drill", full=options.get("full", False))
    summary = run_push(db.session, factory_from_app(current_app), run.id, **options)
    db.session.expire_all()
    return summary, db.session.get(SyncRun, run.id)


def joor_holds(sim: RunningSimulator) -> dict[tuple, int]:
    """What the simulator holds in Default, by the four style fields; zero counts as absent."""
    url = f"{sim.root_url}/_sim/inventory"
    items = requests.get(url, params={"warehouse": "Default"}, timeout=5).json()["items"]
    return {tuple(i[f] for f in FIELDS): i["inventory"] for i in items if i["inventory"]}


def we_recorded(store: Store) -> dict[tuple, int]:
    """What we recorded JOOR holds: PushedStock's accepted counts above zero."""
    rows = db.session.execute(
        select(PushedStock.identifier_key, PushedStock.quantity).where(
            PushedStock.store_id == store.id, PushedStock.quantity > 0
        )
    )
    return {tuple(key.removeprefix("style:").split("|")): qty for key, qty in rows}


def items_say(store: Store) -> dict[tuple, int]:
    """What JOOR should hold: each item not kept out, by its metadata's style fields."""
    held = {}
    for item in db.session.scalars(select(InventoryItem).where(InventoryItem.store_id == store.id)):
        meta = item.item_metadata
        if item.stock and not {"skip_push", "skip_joor"} & {k for k, v in meta.items() if v == "1"}:
            held[tuple(meta[f] for f in FIELDS)] = item.stock
    return held


def in_step(sim, store, *, items_too: bool = True) -> None:
    """JOOR's counts equal ours, and (unless a push was held back) what the items say."""
    joor = joor_holds(sim)
    assert joor == we_recorded(store)
    if items_too:
        assert joor == items_say(store)


def calls(sim) -> list[tuple[bool, int]]:
    pushes = requests.get(f"{sim.root_url}/_sim/pushes", timeout=5).json()["pushes"]
    return [(p["overwrite"], len(p["items"])) for p in pushes]


@pytest.fixture
def store_in_joor(store, sim, catalogue):
    """The store's 3,000 items, sent by a first Overwrite a person confirmed."""
    connect(db.session, factory_from_app(current_app), store.id, "demo-token", "local")
    configure(store, sync_inventory="on", warehouse="Default", inventory_mode="overwrite",
              identifier="style", **TEMPLATES)  # fmt: skip
    db.session.add_all(
        InventoryItem(store_id=store.id, code=f"item-{n}", name=sku["upc"], stock=1 + n % 9,
                      item_metadata={f: sku[f] for f in FIELDS})
        for n, sku in enumerate(catalogue)
    )  # fmt: skip
    db.session.commit()
    unasked, _ = push(store)
    assert unasked.status == "awaiting_confirmation" and "first Overwrite" in unasked.error
    assert calls(sim) == []
    first, run = push(store, confirmed=True)
    assert first.status == "succeeded" and first.counts["passed"] == ITEMS
    assert calls(sim) == [(True, 500)] + [(False, 500)] * 5 and run.credits_used == 30
    in_step(sim, store)
    return store


def edit(store: Store, *codes: str, **changes) -> None:
    for item in db.session.scalars(select(InventoryItem).where(InventoryItem.code.in_(codes))):
        for name, value in changes.items():
            setattr(item, name, value(item) if callable(value) else value)
    db.session.commit()


def test_overwrite_sequence_costs_and_joor_stays_in_step(sim, store_in_joor):
    store = store_in_joor
    steps: list[tuple[str, int]] = []

    def step(name: str, expected_calls: list, **options) -> PushSummary:
        before = len(calls(sim))
        summary, run = push(store, **options)
        assert summary.status == "succeeded", (name, summary.error)
        assert calls(sim)[before:] == expected_calls, name
        steps.append((name, run.credits_used or 0))
        in_step(sim, store)
        return summary

    edit(store, "item-10", stock=40)
    step("one stock edit", [(False, 1)])
    edit(store, "item-11", "item-12", "item-13", stock=lambda item: item.stock + 5)
    step("three stock edits", [(False, 3)])
    edit(store, "item-20", item_metadata=lambda item: {**item.item_metadata, "skip_joor": "1"})
    step("skip_joor added", [(True, 500)] + [(False, 500)] * 4 + [(False, 499)])
    db.session.execute(delete(InventoryItem).where(InventoryItem.code == "item-21"))
    db.session.commit()
    step("item deleted", [(True, 500)] + [(False, 500)] * 4 + [(False, 498)])
    configure(store, style_number="{{ item.metadata.style_number|upper }}")
    step("template changed, identifiers the same", [(True, 500)] + [(False, 500)] * 4 +
         [(False, 498)])  # fmt: skip
    edit(store, "item-30", stock=0)
    step("a count down to zero", [(False, 1)])
    step("the daily heal", [(True, 500)] + [(False, 500)] * 4 + [(False, 498)], full=True)

    assert steps[0] == ("one stock edit", 5) and steps[1] == ("three stock edits", 5)
    assert [credits for _, credits in steps[2:5]] == [30, 30, 30]


def test_automatic_pushes_never_zero_what_nobody_confirmed(sim, store_in_joor):
    store = store_in_joor
    held = joor_holds(sim)

    # Issue 21: a Size template that renders other identifiers, every style still there.
    configure(store, size="{{ item.metadata.size|lower }}")
    summary, _ = push(store)
    assert summary.status == "awaiting_confirmation" and "treated as a first one" in summary.error
    assert joor_holds(sim) == held
    configure(store, size=TEMPLATES["size"])

    # Issue 21: skip_push on every item but one per style: no style dropped, most SKUs would be.
    seen: set[str] = set()
    for item in db.session.scalars(select(InventoryItem).where(InventoryItem.store_id == store.id)):
        style = item.item_metadata["style_number"]
        if style in seen:
            item.item_metadata = {**item.item_metadata, "skip_push": "1"}
        seen.add(style)
    db.session.commit()
    summary, _ = push(store)
    assert summary.status == "awaiting_confirmation"
    assert f"of the {ITEMS:,} SKUs (0 of {len(seen)} styles)" in summary.error
    assert joor_holds(sim) == held
    in_step(sim, store, items_too=False)

    # Confirmed, it goes: JOOR then holds one SKU per style, as the items say.
    confirmed, _ = push(store, confirmed=True, full=True)
    assert confirmed.status == "succeeded" and confirmed.counts["dropped"] == ITEMS - len(seen)
    in_step(sim, store)
