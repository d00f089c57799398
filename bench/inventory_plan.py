"""Benchmark plan_push on synthetic items against the same templates in a bare Jinja loop."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal

import jinja2

from webapp.rules import IdentifierSettings, StockItem, compile_identifiers, plan_push
from webapp.rules.twig.filters import FILTERS

TEMPLATES = {
    "style_number": "{{ item.metadata.style|default(item.code|split('-')|first)|upper }}",
    "style_identifier": "{{ item.metadata.season|default('NOS') ~ '-' ~ item.name|upper }}",
    "color_code": "{{ item.variation_list.Color|default('')|replace({' ': '', '/': '-'})|upper }}",
    "size": "{{ item.variation_list.Size|default('OS')|upper }}",
}
COLORS = ("Navy Blue", "Black", "Off White", "Red/Green", "Heather Grey")
SIZES = ("XS", "S", "M", "L", "XL", None)


def make_items(count: int) -> Iterator[StockItem]:
    """Deterministic synthetic items, generated lazily so the plan's memory is its own."""
    for n in range(count):
        size = SIZES[n % len(SIZES)]
        variations = {"Color": COLORS[n % len(COLORS)], **({"Size": size} if size else {})}
        metadata = {"style": f"st{n // 30}", "material": "cotton"}
        if n % 3:
            metadata["season"] = "SS25"
        yield StockItem(
            n,
            f"SKU{n // 30}-{n}",
            f"Item {n // 30}",
            None,
            Decimal("19.99"),
            n % 50,
            metadata,
            variations,
        )


def time_plan(count: int) -> float:
    """Items planned per second with plan_push in Overwrite mode."""
    builder = compile_identifiers(IdentifierSettings("style", TEMPLATES))
    start = time.perf_counter()
    plan = plan_push(
        make_items(count), builder=builder, mode="overwrite", warehouse="Default", pushed={}
    )
    elapsed = time.perf_counter() - start
    assert len(plan.send) == count, (len(plan.send), plan.problems[:3])
    return elapsed


def _nulls_for_undefined(function: Callable[..., object]) -> Callable[..., object]:
    def call(*args: object) -> object:
        return function(*(None if isinstance(a, jinja2.Undefined) else a for a in args))

    return call


def time_bare(count: int) -> float:
    """Seconds for the same four templates rendered per item in a plain Jinja environment."""
    # Identifiers are plain text sent to JOOR, never HTML, as in the sandboxed environment.
    env = jinja2.Environment(autoescape=False)  # noqa: S701
    env.filters.update(FILTERS)
    # Our filters take PHP's null where Jinja hands a missing key as Undefined (only default
    # sees one in these templates).
    env.filters["default"] = _nulls_for_undefined(FILTERS["default"])
    templates = [env.from_string(source) for source in TEMPLATES.values()]
    start = time.perf_counter()
    for item in make_items(count):
        for template in templates:
            template.render(item=item).strip()
    return time.perf_counter() - start


def peak_memory(run: Callable[[], object]) -> int:
    """Peak bytes traced while `run` executes."""
    gc.collect()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def best_of(run: Callable[[int], float], count: int, repeats: int = 3) -> float:
    return min(run(count) for _ in range(repeats))


def main(argv: list[str] | None = None) -> None:
    """Print one JSON line: speeds, their ratio, growth from 10k to N, and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    count = parser.parse_args(argv).items
    small = max(count // 10, 1)
    plan_small, plan_full = best_of(time_plan, small), best_of(time_plan, count, 2)
    bare_full = best_of(time_bare, count, 2)
    builder = compile_identifiers(IdentifierSettings("style", TEMPLATES))
    plan_peak = peak_memory(
        lambda: plan_push(
            make_items(count), builder=builder, mode="overwrite", warehouse="Default", pushed={}
        )
    )
    items_size = peak_memory(lambda: list(make_items(count)))
    figures = {
        "items": count,
        "plan_items_per_s": round(count / plan_full),
        "bare_jinja_items_per_s": round(count / bare_full),
        "ratio_plan_to_bare": round(bare_full / plan_full, 3),
        "seconds_at_small": round(plan_small, 3),
        "small_items": small,
        "seconds_at_full": round(plan_full, 3),
        "growth_full_over_small": round(plan_full / plan_small, 2),
        "plan_peak_bytes": plan_peak,
        "items_list_bytes": items_size,
        "plan_peak_to_items": round(plan_peak / items_size, 3),
        "python": sys.version.split()[0],
        "jinja2": jinja2.__version__,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
