"""tests/unit needs nothing running: a unit test asking for a service's fixture fails at setup."""

from __future__ import annotations

import pytest

# Where the fixtures that start or reach a service are defined: the root conftest (database,
# Redis, app, stores, clients) and the shared plugins (simulators wired into the app).
SERVICE_FIXTURE_MODULES = ("tests.conftest", "tests.fixtures.")


def needs_a_service(fixturedefs) -> bool:
    """True when the fixture comes from a module whose fixtures need a running service."""
    return any(
        getattr(definition.func, "__module__", "").startswith(SERVICE_FIXTURE_MODULES)
        for definition in fixturedefs
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse a unit test that asks (itself or through another fixture) for a running service."""
    # Private but stable for years: the fixture definitions pytest resolved for this test.
    definitions = item._fixtureinfo.name2fixturedefs  # noqa: SLF001
    running = sorted(
        name for name in item.fixturenames if needs_a_service(definitions.get(name, ()))
    )
    if running:
        asked = ", ".join(item._fixtureinfo.argnames)  # noqa: SLF001
        pytest.fail(
            f"{item.nodeid} is a unit test, but its fixtures ({asked}) need a running database, "
            f"Redis or simulator through {', '.join(running)}. tests/unit needs nothing running: "
            "move the test to the directory of what it needs (tests/sync, tests/joor, ...).",
            pytrace=False,
        )
