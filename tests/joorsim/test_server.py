"""The simulator over real HTTP: running_simulator's threaded server and the CLI."""

from __future__ import annotations

import base64
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

from joorsim.testing import running_simulator

HEADERS = {
    "Authorization": "OAuth2 " + base64.b64encode(b"demo-token").decode(),
    "Content-Type": "application/json",
}


def test_running_simulator_serves_concurrent_pages_exactly_once():
    with running_simulator(orders=450, seed=2, rate_limit=False) as sim:
        assert sim.base_url == sim.root_url + "/v2"

        def page(start: int) -> list[str]:
            params = {"sync": 0, "order_type": 8, "start_from": start, "count": 100}
            response = requests.get(
                f"{sim.base_url}/orders", params=params, headers=HEADERS, timeout=5
            )
            response.raise_for_status()
            return [o["order_id"] for o in response.json()["orders"]]

        with ThreadPoolExecutor(max_workers=5) as pool:
            ids = [i for chunk in pool.map(page, range(0, 450, 100)) for i in chunk]
        assert len(ids) == 450 and len(set(ids)) == 450
        body = requests.get(f"{sim.root_url}/_sim/catalog", timeout=5).json()
        assert body["skus"] and sim.state.read_inventory("Default") == []
        utf8 = requests.get(
            f"{sim.base_url}/orders?sync=0&count=100", headers=HEADERS, timeout=5
        ).content
        assert not utf8.isascii()  # raw UTF-8 names, not only \u escapes
    try:
        requests.get(f"{sim.base_url}/orders", headers=HEADERS, timeout=1)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("server still answering after the block")


def test_cli_prints_its_url_and_serves():
    cmd = [sys.executable, "-m", "joorsim", "--port", "0", "--orders", "30", "--seed", "4"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("JOOR simulator on http://127.0.0.1:")
        base = line.split()[3]
        assert base.endswith("/v2")
        body = requests.get(f"{base}/orders?sync=0&order_type=8", headers=HEADERS, timeout=5)
        assert body.json()["total"] == 30
    finally:
        proc.terminate()
        proc.wait(timeout=5)
