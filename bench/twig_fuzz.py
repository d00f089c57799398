"""Differential fuzzing campaign: templates from Twig's grammar through PHP Twig and through ours.

Run from the repository root (it uses the grammar and the PHP driver under tests/twig/):
`python -m bench.twig_fuzz --examples 20000`. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.twig.grammar import cases
from tests.twig.php import agree, php_available, render_ours, render_php

BATCH = 250


def campaign(examples: int, seed: int | None) -> dict:
    """Render `examples` generated templates both ways; count agreements and differences."""
    figures = {"examples": 0, "equal": 0, "both_errors": 0, "differ": 0, "first_differing": None}

    @settings(
        max_examples=max(examples // BATCH, 1),
        deadline=None,
        database=None,
        derandomize=seed is None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(cases(), min_size=BATCH, max_size=BATCH))
    def batch(drawn: list) -> None:
        if figures["examples"] >= examples:
            return
        drawn = drawn[: examples - figures["examples"]]
        for (template, item), theirs in zip(drawn, render_php(drawn), strict=True):
            ours = render_ours(template, item)
            figures["examples"] += 1
            if not agree(ours, theirs):
                figures["differ"] += 1
                if figures["first_differing"] is None:
                    figures["first_differing"] = {
                        "template": template, "item": item.id, "php": theirs, "ours": ours
                    }  # fmt: skip
            elif "error" in ours:
                figures["both_errors"] += 1
            else:
                figures["equal"] += 1

    if seed is not None:
        batch = settings(derandomize=False)(batch)
        batch._hypothesis_internal_use_seed = seed  # type: ignore[attr-defined]
    batch()
    return figures


def main(argv: list[str] | None = None) -> None:
    """Print one JSON line: examples, equal, both_errors, differ, first_differing, seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: fixed)")
    args = parser.parse_args(argv)
    if not php_available():
        sys.exit("php-cli and php-twig are needed: apt-get install php-cli php-twig")
    start = time.perf_counter()
    figures = campaign(args.examples, args.seed)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
