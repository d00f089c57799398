"""Templates generated from Twig's grammar render here as PHP Twig renders them (issue 16).

About 300 templates per run, in batches so each batch is one PHP process; derandomized under
CI (CI=true) so a run there never flakes. `python -m bench.twig_fuzz --examples 20000` runs the
long campaign. Every difference a campaign found is a fixed case in REGRESSIONS below.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.twig.grammar import ITEMS, cases
from tests.twig.php import agree, render_ours, render_php, require_php

BATCH = 50


@pytest.fixture(scope="module")
def php() -> None:
    require_php()


@settings(
    max_examples=6,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(cases(), min_size=BATCH, max_size=BATCH))
def test_generated_templates_render_as_php_twig_renders_them(php, batch):
    for (template, item), theirs in zip(batch, render_php(batch), strict=True):
        ours = render_ours(template, item)
        assert agree(ours, theirs), f"{template!r} on item {item.id}: PHP {theirs}, ours {ours}"


# (template, item id, PHP Twig's output or None for an error): differences fuzzing found.
REGRESSIONS = [
    # map iterates with foreach: a string or a bool is an error, not an empty list.
    ("{{ item.name|map((v, k) => k)|join }}", 3, None),
    ("{{ (7 is empty)|map(x => x ~ '!')|join }}", 3, None),
    # nl2br and spaceless escape what they receive unless it is a literal or already HTML.
    ("{{ \"<#{false['a']}>\"|spaceless }}", 3, "&lt;&gt;"),
    (
        "{{ item.name|json_encode|nl2br }}",
        2,
        "&quot;\\u00dcn\\u00efc\\u00f6d\\u00e9 &amp; &lt;b&gt;bold&lt;\\/b&gt;&quot;",
    ),
    ("{{ '<b>a</b>\n'|nl2br }}", 1, "<b>a</b><br />\n"),
    # starts with / ends with read their right side only when the left side is text.
    ("{{ (item.variation_list.Color starts with item.id) starts with [0.1]|join }}", 2, ""),
    ("{{ 5 ends with item.variation_list }}", 1, ""),
    # On two texts the bitwise operators work byte by byte.
    ("{{ 'ab' b-or 'b' }}|{{ 'ab' b-and 'c' }}|{{ 12 b-xor '5' }}", 1, "cb|a|9"),
]


@pytest.mark.parametrize(("template", "item_id", "expected"), REGRESSIONS)
def test_differences_found_by_fuzzing_stay_fixed(template, item_id, expected):
    ours = render_ours(template, ITEMS[item_id - 1])
    assert ours == ({"output": expected} if expected is not None else {"error": ours.get("error")})
    assert ("error" in ours) == (expected is None)


def test_the_regressions_are_what_php_twig_answers(php):
    theirs = render_php([(t, ITEMS[i - 1]) for t, i, _ in REGRESSIONS])
    for (template, _, expected), answer in zip(REGRESSIONS, theirs, strict=True):
        assert answer.get("output") == expected and ("error" in answer) == (expected is None), (
            template
        )
