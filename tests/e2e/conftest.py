"""End-to-end fixtures: the simulator, the app on a real port, a real RQ worker, Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from joorsim.testing import QuietHandler, running_simulator
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests where Chromium is missing, except in CI, where that must fail."""
    if Path(CHROMIUM).exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def sim():
    """A fresh JOOR simulator accepting `demo-token`, with a few dozen orders."""
    with running_simulator(orders=24, seed=11) as simulator:
        yield simulator


@pytest.fixture
def live_app(app, sim):
    """The test app, pointed at the simulator's Local environment."""
    app.config["JOOR_LOCAL_URL"] = sim.base_url
    app.config["JOOR_CLIENT_OPTIONS"] = {"backoff_base": 0.01, "backoff_cap": 0.05}
    return app


@pytest.fixture
def live_server(live_app):
    """Serve the app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-web", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@contextmanager
def service_process(module: str, service_env, sim, tmp_path, **env):
    """Run `python -m <module>` (a worker, the clock) on the test database, Redis and JOOR."""
    env = dict(service_env, JOOR_LOCAL_URL=sim.base_url, PYTHONUNBUFFERED="1", **env)
    path = tmp_path / f"{module}.log"
    log = path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", module], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    yield process
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    if process.returncode not in (0, -15, 143):
        print(path.read_text()[-4000:])


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Settings the worker process gets besides the services' (a test module may add some)."""
    return {}


@pytest.fixture
def worker(live_app, service_env, sim, tmp_path, worker_env):
    """A real `python -m jobs.worker` process on the test database and Redis."""
    with service_process("jobs.worker", service_env, sim, tmp_path, **worker_env) as process:
        yield process


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session."""
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions (15 s, not Playwright's 5 s): a worker process that
    # picks the job up late on a loaded machine is slow, not wrong.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, user):
    """A logged-in browser page on the JOOR panel (1280x900, a laptop)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto("/login")
    tab.get_by_label("Email").fill(user.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/integrations/joor")
    tab.console_errors = errors
    yield tab
    context.close()


def screenshot(tab, name: str) -> None:
    """Keep a picture of the page for people to look at (test-artifacts/ is gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_until(check, timeout: float = 20.0, interval: float = 0.1) -> None:
    """Poll a condition on the test's side (the database) until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
