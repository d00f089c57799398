"""What changed in a JOOR order, in words, and what the merchant's rule does about it."""

from __future__ import annotations

import copy

import pytest

from webapp.rules.change_plans import NOTE, UPDATE_NEW, FolderFacts, cancel_folder, plan_change
from webapp.rules.order_diff import describe_changes, is_cancellation, ship_window


def line(upc="0123456789012", quantity=12, price="10.00", name="Wool coat", **meta):
    return {
        "name": name,
        "quantity": quantity,
        "price": price,
        "variation_list": {"Color": "Navy", "Size": "M"},
        "metadata": {"upc": upc, "style_number": "ST-1", "color_code": "NV", **meta},
    }


BEFORE = {
    "status": "Approved",
    "customer_name": "Zoë Müller",
    "po_number": "PO-7",
    "currency": "EUR",
    "total": "120.00",
    "discount": None,
    "ship_start": "2026-03-01",
    "ship_end": "2026-03-31",
    "shipping_address": {"city": "Zürich"},
    "billing_address": {},
    "metadata": {"season": "FW26", "order_type": "Approved", "po_number": "PO-7"},
    "comments": "",
    "lines": [line(), line(upc="0123456789029", quantity=12, name="Scarf")],
}


def changed(**fields):
    after = copy.deepcopy(BEFORE)
    after.update(fields)
    return after


def test_an_unchanged_order_reads_no_change():
    assert describe_changes(BEFORE, copy.deepcopy(BEFORE)) == []


def test_each_field_change_reads_as_the_issue_words_it():
    after = changed(status="Cancelled", ship_start="2026-04-01", ship_end="2026-04-30",
                    total="60.00", po_number="PO-8")  # fmt: skip
    after["metadata"] |= {"order_type": "Cancelled", "po_number": "PO-8", "season": "SS27"}
    after["shipping_address"] = {"city": "Basel"}
    assert describe_changes(BEFORE, after) == [
        "Status Approved → Cancelled",
        "PO PO-7 → PO-8",
        "Ship window 2026-03-01–31 → 2026-04-01–30",
        "Total 120.00 EUR → 60.00 EUR",
        "Shipping address city Zürich → Basel",
        "Season FW26 → SS27",  # the order type and PO repeated in the details are not told twice
    ]


def test_lines_are_matched_by_sku_so_a_removal_does_not_shift_the_rest():
    after = changed(lines=[line(upc="0123456789029", quantity=6, name="Scarf")])
    assert describe_changes(BEFORE, after) == [
        "Line 1 (UPC 0123456789029) quantity 12 → 6",
        "Line removed: Line 1 (UPC 0123456789012) Wool coat, quantity 12 at 10.00",
    ]


def test_a_line_added_and_a_price_and_comment_changed():
    second = line(upc="0123456789029", name="Scarf", price="9.50", comment="gift wrap")
    after = changed(lines=[line(), second, line(upc="", quantity=3, name="Hat", price=None)])
    assert describe_changes(BEFORE, after) == [
        "Line 2 (UPC 0123456789029) price 10.00 → 9.50",
        "Line 2 (UPC 0123456789029) comment (none) → gift wrap",
        "Line added: Line 3 (style ST-1-NV-M) Hat, quantity 3",
    ]


def test_lines_not_sent_by_joor_are_not_compared():
    assert describe_changes(BEFORE, changed(lines=None)) == []


def test_a_cancellation_is_a_status_moving_to_cancelled():
    assert is_cancellation(BEFORE, changed(status="Cancelled"))
    assert not is_cancellation(changed(status="Cancelled"), changed(status="Cancelled"))
    assert not is_cancellation(BEFORE, changed(status="Shipped"))


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2026-03-01", "2026-03-31", "2026-03-01–31"),
        ("2026-03-01", "2026-04-15", "2026-03-01–04-15"),
        ("2026-12-01", "2027-01-15", "2026-12-01–2027-01-15"),
        ("2026-03-01", None, "from 2026-03-01"),
        (None, None, "(none)"),
    ],
)
def test_ship_windows_read_compactly(start, end, words):
    assert ship_window(start, end) == words


NEW = FolderFacts("New", is_new=True, is_final=False, is_cancelled=False)
PREPARED = FolderFacts("Prepared", is_new=False, is_final=False, is_cancelled=False)
CLOSED = FolderFacts("Closed", is_new=False, is_final=True, is_cancelled=False)
CANCELLED = FolderFacts("Cancelled in JOOR", is_new=False, is_final=False, is_cancelled=True)


@pytest.mark.parametrize(
    ("rule", "folder", "cancelled", "update", "move"),
    [
        (UPDATE_NEW, NEW, False, True, False),
        (UPDATE_NEW, PREPARED, False, False, False),
        (UPDATE_NEW, CLOSED, False, False, False),
        (NOTE, NEW, False, False, False),
        (UPDATE_NEW, NEW, True, True, True),
        (UPDATE_NEW, PREPARED, True, False, True),
        (NOTE, NEW, True, False, True),
        (UPDATE_NEW, CLOSED, True, False, False),  # a final folder: only noted
        (NOTE, CLOSED, True, False, False),
        (UPDATE_NEW, CANCELLED, True, False, False),  # there already
    ],
)
def test_the_rule_decides_update_and_move_from_the_folder(rule, folder, cancelled, update, move):
    plan = plan_change(rule, folder, cancelled=cancelled, cancel_to="Cancelled in JOOR")
    assert (plan.update, plan.move) == (update, move)


def test_each_decision_says_what_was_done_and_why():
    def words(rule, folder, cancelled=False):
        return plan_change(rule, folder, cancelled=cancelled, cancel_to="Cancelled in JOOR").words

    assert words(UPDATE_NEW, NEW) == "Updated here."
    assert words(UPDATE_NEW, NEW, True) == "Updated here and moved to Cancelled in JOOR."
    assert words(UPDATE_NEW, PREPARED) == (
        "Only noted, as the order had moved on from the folder for new orders to Prepared: "
        "the order was left as it was."
    )
    assert words(NOTE, NEW) == (
        "Only noted, as your rule is to only note changes: the order was left as it was."
    )
    assert words(NOTE, NEW, True).startswith("Moved to Cancelled in JOOR from New; its lines")
    assert words(UPDATE_NEW, CLOSED, True) == (
        "Only noted, as Closed is a final folder: the order was left as it was."
    )


def test_the_folder_for_cancelled_orders_is_the_chosen_one_else_the_default_once_made():
    names = {1: "New", 2: "Closed", 3: "Cancelled in JOOR"}
    assert cancel_folder(names, 2, "Cancelled in JOOR") == (2, "Closed")
    assert cancel_folder(names, None, "Cancelled in JOOR") == (3, "Cancelled in JOOR")
    assert cancel_folder(names, 99, "Cancelled in JOOR") == (3, "Cancelled in JOOR")  # deleted
    assert cancel_folder({1: "New"}, None, "Cancelled in JOOR") == (None, "Cancelled in JOOR")
