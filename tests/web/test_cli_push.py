"""`flask joor push`: one JSON summary line, the dry-run plan, and --yes for big Overwrites."""

from __future__ import annotations

import json

from tests.factories import make_item
from tests.jobs.inventory_push_support import configure, push, set_faults, sim_pushes, sim_stock
from webapp.cli.joor_push import push_command
from webapp.extensions import db
from webapp.sync.connection.state import get_connection

SUMMARY_KEYS = {"run_id", "status", "sent", "passed", "failed", "skipped"}


def run_cli(joor_app, *args: str):
    return joor_app.test_cli_runner().invoke(push_command, ["--store", "acme", *args])


def test_push_prints_one_json_summary_line(push_sim, push_skus, joor_app, joor_store):
    for sku in [push_skus[0], *push_skus[2:11]]:
        make_item(joor_store, sku["upc"], stock=5)
    make_item(joor_store, push_skus[1]["upc"], stock=5, metadata={"skip_push": "1"})
    make_item(joor_store, "000000000000", stock=1)  # JOOR refuses it: 1 in 11 still succeeds

    result = run_cli(joor_app)

    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    summary = json.loads(line)
    assert set(summary) >= SUMMARY_KEYS
    assert (summary["status"], summary["sent"], summary["passed"], summary["failed"]) == (
        "succeeded",
        11,
        10,
        1,
    )
    assert summary["skipped"] == 1 and summary["skipped_by_reason"] == {"skip_push": 1}
    assert sim_stock(push_sim) == {sku["upc"]: 5 for sku in [push_skus[0], *push_skus[2:11]]}


def test_dry_run_prints_the_plan_and_sends_nothing(push_sim, push_skus, joor_app, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=5)
    make_item(joor_store, push_skus[1]["upc"], stock=5, metadata={"skip_joor": "1"})
    make_item(joor_store, push_skus[2]["upc"], stock=-2)

    result = run_cli(joor_app, "--dry-run")

    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan == {
        "mode": "update",
        "warehouse": "Default",
        "send": [{"code": push_skus[0]["upc"], "inventory": 5, "upc": push_skus[0]["upc"]}],
        "skipped": [
            {
                "code": push_skus[1]["upc"],
                "reason": "skip_joor is set: this item is kept out of the push to JOOR",
            }
        ],
        "drops": [],
        "problems": [{"code": push_skus[2]["upc"], "problem": "stock -2 is negative"}],
        "sends": "Update of 1 SKU (what changed)",
        "calls": 1,
        "credits": 5,
    }
    assert sim_pushes(push_sim) == []


def test_dry_run_lists_what_an_overwrite_would_drop(push_sim, push_skus, joor_app, joor_store):
    items = [make_item(joor_store, sku["upc"], stock=1) for sku in push_skus[:2]]
    push(joor_store)
    db.session.delete(items[1])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    plan = json.loads(run_cli(joor_app, "--dry-run").output)

    assert plan["mode"] == "overwrite" and plan["drops"] == [f"upc:{push_skus[1]['upc']}"]
    assert len(sim_pushes(push_sim)) == 1


def test_a_big_overwrite_needs_yes(push_sim, push_skus, joor_app, joor_store):
    items = [make_item(joor_store, sku["upc"], stock=1) for sku in push_skus[:2]]
    push(joor_store)
    db.session.delete(items[1])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    refused = run_cli(joor_app)
    confirmed = run_cli(joor_app, "--yes")

    assert refused.exit_code == 1  # not done: it waits for --yes
    assert json.loads(refused.output)["status"] == "awaiting_confirmation"
    assert "run `joor push --yes`" in json.loads(refused.output)["error"]
    assert confirmed.exit_code == 0, confirmed.output
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 1}


def test_a_push_that_cannot_run_exits_1_with_the_reason(push_sim, joor_app, joor_store):
    configure(joor_store, sync_inventory="off")

    result = run_cli(joor_app)

    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert (summary["status"], summary["error"]) == (
        "failed",
        "Sync Inventory is off: nothing was pushed.",
    )


def test_joor_down_still_prints_the_summary(push_sim, push_skus, joor_app, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=1)
    set_faults(push_sim, error_rate=1.0)

    result = run_cli(joor_app)

    assert result.exit_code == 1
    assert "JOOR is having trouble" in json.loads(result.output)["error"]


def test_dry_run_with_a_broken_template_says_what_is_wrong(joor_app, joor_store):
    get_connection(db.session, joor_store.id).identifier = "style"
    get_connection(db.session, joor_store.id).tpl_style_number = "{{ item.name"
    db.session.commit()

    result = run_cli(joor_app, "--dry-run")

    assert result.exit_code == 1 and "Style Number" in result.output


def test_an_unknown_store_is_a_usage_error(joor_app):
    result = joor_app.test_cli_runner().invoke(push_command, ["--store", "nobody"])

    assert result.exit_code == 1 and "No store with the slug 'nobody'" in result.output


def test_push_while_another_push_sends_fails_in_words_and_leaves_no_queued_run(
    push_sim, push_skus, joor_app, joor_store, monkeypatch
):
    import functools

    import webapp.sync.push.service as inventory_push
    from webapp.models import SyncRun

    monkeypatch.setattr(inventory_push, "run_push",
                        functools.partial(inventory_push.run_push, lock_wait=0.1))  # fmt: skip
    monkeypatch.setattr("webapp.cli.joor_push.run_push", inventory_push.run_push)
    make_item(joor_store, push_skus[0]["upc"], stock=3)
    with inventory_push.store_push_lock(joor_app.extensions["redis"], joor_store.id):
        result = run_cli(joor_app)
    assert result.exit_code == 1
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["status"] == "failed" and "run this again when it ends" in summary["error"]
    assert db.session.query(SyncRun).filter_by(status="queued").count() == 0


def test_dry_run_with_sync_off_says_a_push_would_send_nothing(joor_app, joor_store):
    configure(joor_store, sync_inventory="off")
    result = run_cli(joor_app, "--dry-run")
    assert result.exit_code == 0
    assert "A push now would send nothing: Sync Inventory is off" in result.output


def test_dry_run_in_overwrite_mode_says_an_edit_is_one_update_call(
    push_sim, push_skus, joor_app, joor_store
):
    items = [make_item(joor_store, sku["upc"], stock=2) for sku in push_skus[:3]]
    configure(joor_store, inventory_mode="overwrite")
    assert json.loads(run_cli(joor_app, "--yes").output)["status"] == "succeeded"
    items[0].stock = 9
    db.session.commit()

    plan = json.loads(run_cli(joor_app, "--dry-run").output)
    full = json.loads(run_cli(joor_app, "--dry-run", "--full").output)

    assert (plan["calls"], plan["credits"], len(plan["send"])) == (1, 5, 1)
    assert plan["sends"].startswith("Update of 1 SKU (Overwrite mode: JOOR already holds")
    assert (full["calls"], full["credits"], len(full["send"])) == (1, 5, 3)
    assert full["sends"] == "Full Overwrite of 3 SKUs (a full push was asked for)"


def test_push_waits_for_its_share_of_credits_then_sends(
    push_sim, push_skus, joor_app, joor_store, monkeypatch
):
    from tests.jobs.push_credit_support import forget_window, one_window, spend_share

    make_item(joor_store, push_skus[0]["upc"], stock=4)
    configure(joor_store, push_share="30")
    waited: list[float] = []

    def window_resets(seconds: float) -> None:
        waited.append(seconds)
        forget_window(joor_app)

    monkeypatch.setattr("webapp.cli.joor_push.time.sleep", window_resets)
    with one_window(joor_app):
        spend_share(joor_app, 30, leave=0)

        result = run_cli(joor_app)

    assert result.exit_code == 0, result.output
    assert "Waiting for JOOR credits (orders come first), sends in about" in result.output
    assert len(waited) == 1 and json.loads(result.output.splitlines()[-1])["passed"] == 1
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 4}
