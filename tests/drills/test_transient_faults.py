"""Drill: JOOR's passing faults never end an import (issue 21, item 4).

Seen before: 6 malformed pages plus 4 truncated ones failed a manual import for good with 0
orders, and 24 429s in a row would have too. Here a fault plan hands the simulator's answers,
request by request, malformed and truncated pages (retried inside the transport as JOOR
faults) and runs of 429s (waited out without using up a try), and one attempt of the import
job still brings every order exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from rq import SimpleWorker

from joorsim.testing import RunningSimulator, running_simulator
from tests.jobs.order_support import (
    connect_store,
    duplicate_source_ids,
    fresh_run,
    order_count,
    window_total,
)
from webapp.extensions import db
from webapp.sync.orders import enqueue as order_enqueue
from webapp.sync.queues import DEFAULT, POLLING, SERIALIZER, queue

SINCE = date.today() - timedelta(days=10)


def fault_plan() -> list[str]:
    """Faults for the next requests, page by page: 6 malformed, 4 truncated, two 429 runs."""
    return [
        "ok",  # the token check
        "malformed", "malformed", "ok",  # page 1: two unreadable answers, then the page
        "truncate", "ok",
        *["429"] * 24, "ok",  # a run of 24 429s: as many tries as it takes, none used up
        "malformed", "truncate", "malformed", "ok",
        "ok",
        "truncate", "malformed", "truncate", "ok",
        *["429"] * 12, "malformed", *["429"] * 12, "ok",
    ]  # fmt: skip


class Recorder:
    """What the client went through: each answer's status and start_from, each backoff."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, str | None]] = []
        self.waits: list[float] = []
        self.session = requests.Session()
        self.session.hooks["response"].append(self.note)

    def note(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        start = parse_qs(urlsplit(response.url).query).get("start_from", [None])[0]
        self.answers.append((response.status_code, start))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def faulty_sim(app, recorder) -> Iterator[RunningSimulator]:
    with running_simulator(orders=1000, seed=21, lines_per_order=1, days=5) as running:
        app.config["JOOR_LOCAL_URL"] = running.base_url
        # The app's own retry policy (6 tries per request); its backoff waits are recorded,
        # not slept, and 429s say "Retry-After: 0" so the budget holds nobody for long.
        app.config["JOOR_CLIENT_OPTIONS"] = {
            "sleep": recorder.waits.append,
            "session": recorder.session,
        }
        yield running


def test_malformed_truncated_and_429_runs_end_with_every_order_imported(
    app, store, faulty_sim, recorder, capsys
):
    plan = fault_plan()
    faulty_sim.state.set_faults({"plan": plan, "storm_retry_after": 0})
    connect_store(app, store)
    expected = window_total(faulty_sim)

    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    redis = app.extensions["redis"]
    worker_queues = [queue(POLLING, redis), queue(DEFAULT, redis)]
    SimpleWorker(worker_queues, connection=redis, serializer=SERIALIZER).work(burst=True)

    run = fresh_run(run.id)
    assert run.status == "succeeded", run.error
    assert run.attempts == 1  # no job retry was needed: the transport rode the faults out
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0
    assert faulty_sim.state.get_faults()["plan"] == []  # every planned fault was served
    injected = {kind: plan.count(kind) for kind in ("malformed", "truncate", "429")}
    assert injected == {"malformed": 6, "truncate": 4, "429": 48}
    assert len(recorder.waits) == injected["malformed"] + injected["truncate"]  # one each
    assert sum(status == 429 for status, _ in recorder.answers) == injected["429"]
    figures = {
        "drill": "transient_faults",
        "database": db.engine.dialect.name,
        "pages": len({start for _, start in recorder.answers[1:]}),  # after the token check
        "requests": len(recorder.answers),
        "faults_injected": injected,
        "retries_after_unreadable_answers": len(recorder.waits),
        "retries_after_429": injected["429"],
        "job_attempts": run.attempts,
        "orders_imported": order_count(store.id),
        "credits_counted_by_the_run": run.credits_used,
        "credits_charged_by_the_simulator": faulty_sim.state.credits("demo-token")["used"],
    }
    with capsys.disabled():
        print(json.dumps(figures))
