"""tests/unit needs nothing running: no service fixture, no network connection, no process."""

from __future__ import annotations

import socket
import subprocess

import pytest

# The fixtures outside tests/unit (the root conftest's database, Redis, app, stores and
# clients; tests/fixtures' simulators wired into the app) all start or reach a service.
UNIT_FIXTURE_MODULES = "tests.unit."
# The root conftest's fixtures that reach nothing (every test gets them: they cost nothing).
SERVICE_FREE = {"_cheap_password_hashes"}


def needs_a_service(fixturedefs) -> bool:
    """True when the fixture is one of the suite's own defined outside tests/unit."""
    for definition in fixturedefs:
        module = getattr(definition.func, "__module__", "")
        if module.startswith("tests.") and not module.startswith(UNIT_FIXTURE_MODULES):
            return True
    return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a unit test that asks (itself or through another fixture) for a running service."""
    # Private but stable for years: the fixture definitions pytest resolved for this test.
    definitions = item._fixtureinfo.name2fixturedefs  # noqa: SLF001
    running = sorted(
        name
        for name in item.fixturenames
        if name not in SERVICE_FREE and needs_a_service(definitions.get(name, ()))
    )
    if running:
        asked = ", ".join(item._fixtureinfo.argnames)  # noqa: SLF001
        pytest.fail(
            f"{item.nodeid} is a unit test, but its fixtures ({asked}) need a running database, "
            f"Redis or simulator through {', '.join(running)}. tests/unit needs nothing running: "
            "move the test to the directory of what it needs (tests/sync, tests/joor, ...).",
            pytrace=False,
        )


class NothingRunningError(AssertionError):
    """A unit test tried to reach a network service or start a process."""


@pytest.fixture(autouse=True)
def _nothing_to_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse network connections and subprocesses in a unit test, saying why."""

    def refuse(what: str):
        def refused(*args, **kwargs):
            raise NothingRunningError(
                f"a unit test tried to {what}; tests/unit needs nothing running: move the test "
                "to the directory of what it needs"
            )

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("open a network connection"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("open a network connection"))
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("start a process"))
