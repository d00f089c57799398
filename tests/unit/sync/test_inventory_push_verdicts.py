"""Matching JOOR's inventory_log back to the SKUs sent."""

from __future__ import annotations

from webapp.joor import InventoryResult, SkuVerdict
from webapp.rules import PlannedSku
from webapp.sync.push_sending import NO_VERDICT, match_verdicts, sku_label

UPC_A = PlannedSku("a", "upc:111", 1, {"upc": "111"})
UPC_B = PlannedSku("b", "upc:222", 2, {"upc": "222"})
STYLE = PlannedSku(
    "s",
    "style:ST|ST-1|NVY|M",
    3,
    {"style_number": "ST", "style_identifier": "ST-1", "color_code": "NVY", "size": "M"},
)


def verdict(sku: str, status: str = "pass", message: str = "") -> SkuVerdict:
    return SkuVerdict(sku, status, message, None)


def test_labels_are_the_upc_or_the_four_style_fields():
    assert sku_label(UPC_A) == "111"
    assert sku_label(STYLE) == "ST|ST-1|NVY|M"


def test_verdicts_match_by_position_when_counts_agree():
    # Positions win even when JOOR labels a SKU differently from us.
    result = InventoryResult(2, [verdict("x", "fail", "bad"), verdict("y")])

    matched = match_verdicts([UPC_A, UPC_B], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("a", False, "bad"),
        ("b", True, ""),
    ]


def test_verdicts_match_by_sku_text_when_counts_differ():
    result = InventoryResult(2, [verdict("ST|ST-1|NVY|M", "fail", "unknown style"), verdict("111")])

    matched = match_verdicts([UPC_A, UPC_B, STYLE], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("a", True, ""),
        ("b", False, NO_VERDICT),
        ("s", False, "unknown style"),
    ]


def test_no_inventory_log_fails_every_sku_sent():
    matched = match_verdicts([UPC_A], InventoryResult(0, []))

    assert [(m.passed, m.message) for m in matched] == [(False, NO_VERDICT)]
