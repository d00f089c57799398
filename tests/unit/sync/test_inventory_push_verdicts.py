"""Matching JOOR's inventory_log back to the SKUs sent."""

from __future__ import annotations

from webapp.joor import InventoryResult, SkuVerdict
from webapp.rules import PlannedSku
from webapp.sync.push.sending import NO_VERDICT, match_verdicts, sku_label

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


def test_verdicts_naming_the_skus_in_request_order_match_by_position():
    result = InventoryResult(2, [verdict("111", "fail", "bad"), verdict("222")])

    matched = match_verdicts([UPC_A, UPC_B], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("a", False, "bad"),
        ("b", True, ""),
    ]


def test_verdicts_naming_no_sku_match_by_position():
    result = InventoryResult(2, [verdict("", "fail", "bad"), verdict("222")])

    matched = match_verdicts([UPC_A, UPC_B], result)

    assert [(m.sku.code, m.passed) for m in matched] == [("a", False), ("b", True)]


def test_verdicts_in_another_order_match_by_sku_text():
    # JOOR does not promise its log follows the request: a refusal must stay with its SKU.
    result = InventoryResult(
        3, [verdict("ST|ST-1|NVY|M"), verdict("222"), verdict("111", "fail", "unknown upc")]
    )

    matched = match_verdicts([UPC_A, UPC_B, STYLE], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("a", False, "unknown upc"),
        ("b", True, ""),
        ("s", True, ""),
    ]


def test_verdicts_naming_skus_in_another_form_match_by_position():
    # JOOR_API.md does not say how JOOR writes a style-mode SKU: a log of the right length
    # that names none of them as we do is read in request order.
    result = InventoryResult(2, [verdict("ST-1 NVY M", "fail", "bad"), verdict("x")])

    matched = match_verdicts([STYLE, UPC_B], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("s", False, "bad"),
        ("b", True, ""),
    ]


def test_verdicts_naming_some_skus_sent_but_not_others_accept_only_those():
    result = InventoryResult(2, [verdict("222"), verdict("999")])

    matched = match_verdicts([UPC_A, UPC_B], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("a", False, NO_VERDICT),
        ("b", True, ""),
    ]


def test_a_repeated_label_takes_its_verdicts_first_come_first_served():
    twin = PlannedSku("a2", "upc:111", 5, {"upc": "111"})
    result = InventoryResult(3, [verdict("222"), verdict("111", "fail", "first"), verdict("111")])

    matched = match_verdicts([UPC_A, twin, UPC_B], result)

    assert [(m.sku.code, m.passed, m.message) for m in matched] == [
        ("a", False, "first"),
        ("a2", True, ""),
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
