"""What a render runs in: its variables (Frame), its budgets (Run) and arrow functions.

Kept apart from the compiler so the filters and operators that call arrow functions can
recognise one without importing the compiler that builds them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from webapp.rules.twig.values import TwigValueError

# Loop iterations and arrow calls allowed in one render, across all loops, nested or not.
MAX_LOOP_STEPS = 10_000
# Wall-clock seconds one render may take; loops, arrows and regexes check it.
RENDER_SECONDS = 1.0

Eval = Callable[["Frame"], Any]


class Run:
    """One render's budgets: steps taken, the deadline, and the `now` dates use."""

    __slots__ = ("steps", "deadline", "now")

    def __init__(self, now: Any, deadline: float | None) -> None:
        self.steps, self.now, self.deadline = 0, now, deadline

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise TwigValueError(f"loops are limited to {MAX_LOOP_STEPS:,} steps per item")
        if self.steps % 64 == 0:
            self.check_time()

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TwigValueError("the template took too long to render")

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)


class Frame:
    """The variables a template sees (Twig's context) and the render's budgets."""

    __slots__ = ("vars", "run")

    def __init__(self, variables: dict[str, Any], run: Run) -> None:
        self.vars, self.run = variables, run


class Arrow:
    """An arrow function: the context as it was when created, its names and its body."""

    __slots__ = ("names", "body", "vars", "run")

    def __init__(self, names: tuple[str, ...], body: Eval, frame: Frame) -> None:
        self.names, self.body, self.vars, self.run = names, body, dict(frame.vars), frame.run

    def __call__(self, *args: Any) -> Any:
        self.run.step()
        if len(args) < len(self.names):
            raise TwigValueError("the arrow function was given too few values")
        variables = dict(self.vars)
        variables.update(zip(self.names, args, strict=False))
        return self.body(Frame(variables, self.run))


def need_arrow(arrow: object, what: str, example: str = "(x) => x") -> None:
    """Refuse anything but an arrow function where `what` needs one, in words."""
    if not isinstance(arrow, Arrow):
        raise TwigValueError(f"{what} needs an arrow function, like {example}")
