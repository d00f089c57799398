"""`flask demo`: the demo login for local runs, with the address `make run` serves it on."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo_runner(app, runner, tmp_path):
    """The CLI runner, keeping the demo password out of the checkout's instance/."""
    app.instance_path = str(tmp_path)
    return runner


def test_demo_prints_the_login_at_the_web_port_make_run_uses(demo_runner):
    result = demo_runner.invoke(args=["demo"], env={"PORT": "5111"})
    assert result.exit_code == 0, result.output
    assert "Demo login: demo@example.com / " in result.output
    assert "(http://127.0.0.1:5111)" in result.output
    assert "Demo store: demo   (the command line's --store demo" in result.output


def test_demo_prints_port_5000_when_none_is_set(demo_runner):
    result = demo_runner.invoke(args=["demo"], env={"PORT": None})
    assert result.exit_code == 0, result.output
    assert "(http://127.0.0.1:5000)" in result.output
