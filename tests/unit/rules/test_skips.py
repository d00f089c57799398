import pytest

from tests.unit.rules.helpers import make_item
from webapp.rules import should_skip

FLAG_CASES = [
    # (metadata, expected code for joor, expected code for another channel)
    ({}, None, None),
    ({"skip_push": "1"}, "skip_push", "skip_push"),
    ({"skip_joor": "1"}, "skip_joor", None),
    ({"skip_push": "1", "skip_joor": "1"}, "skip_push", "skip_push"),
    ({"skip_push": "0"}, None, None),
    ({"skip_joor": "0"}, None, None),
    ({"skip_push": ""}, None, None),
    ({"skip_push": "true"}, "skip_push", "skip_push"),
    ({"skip_joor": "TRUE"}, "skip_joor", None),
    ({"skip_joor": "Yes"}, "skip_joor", None),
    ({"skip_push": "false", "skip_joor": "yes"}, "skip_joor", None),
    ({"skip_push": "0", "skip_joor": "0"}, None, None),
    ({"Skip_Push": " 1 "}, "skip_push", "skip_push"),
]


@pytest.mark.parametrize(("metadata", "joor", "other"), FLAG_CASES)
def test_skip_flags_per_channel(metadata, joor, other):
    item = make_item(metadata={"style": "S", **metadata})
    found_joor = should_skip(item)
    found_other = should_skip(item, channel="shopify")
    assert (found_joor.code if found_joor else None) == joor
    assert (found_other.code if found_other else None) == other


def test_skip_reasons_are_readable_by_the_merchant():
    reason = should_skip(make_item(metadata={"skip_push": "1"}))
    assert reason.message == "skip_push is set: this item is kept out of every inventory push"
    joor = should_skip(make_item(metadata={"skip_joor": "1"}))
    assert "JOOR" in joor.message and "skip_joor" in joor.message
