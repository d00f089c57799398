"""Mapping a JOOR order payload to order rows."""

from __future__ import annotations

import json

import pytest

from webapp.sync.orders.mapping import MappingError, map_order, skip_reason


def payload(**overrides):
    """A realistic JOOR order with two lines; overrides replace top-level fields."""
    order = {
        "order_id": 4810001,
        "order_type_name": "Approved",
        "date_created": "2026-10-01T08:00:00Z",
        "date_modified": "2026-10-02T09:30:00+02:00",
        "date_ship_start": "2026-11-01T00:00:00Z",
        "date_ship_end": "2026-12-01T00:00:00Z",
        "order_currency": "EUR",
        "order_total": "1234.50",
        "order_discount": "",
        "order_shipping_total": None,
        "customer_name": "Zoë Müller",
        "customer_code": "C-100",
        "company_name": "Boutique Été",
        "customer_purchase_order": "PO-00042",
        "shipping_name": "Boutique Été",
        "shipping_city": "Zürich",
        "shipping_address_2": "",
        "billing_email": "buyer@example.com",
        "warehouse_name": "Default",
        "order_season_code": "FW26",
        "order_delivery_name": "Delivery 1",
        "payment_method_name": "Net 30",
        "sales_representative": "Ann Rep",
        "line_items": [
            {
                "item_name": "Wool coat",
                "item_number": "ST-1",
                "item_style_identifier": "ST-1-FW26",
                "item_color": "Navy",
                "item_color_code": "NV",
                "item_size": "M",
                "item_upc": "0001112223334",
                "item_quantity": "6",
                "item_price": "99.5",
            },
            {
                "item_name": "Scarf",
                "item_number": "ST-2",
                "item_color_code": None,
                "item_size": "OS",
                "item_upc": "",
                "item_quantity": 2,
                "item_price": 10,
            },
        ],
    }
    order.update(overrides)
    return order


def test_order_fields_map_with_numbers_dates_and_non_ascii_kept():
    mapped = map_order(payload(), "upc")
    row = mapped.order
    assert mapped.source_id == "4810001"
    assert row["source_name"] == "Joor" and row["source_id"] == "4810001"
    assert row["customer_name"] == "Zoë Müller" and row["company_name"] == "Boutique Été"
    assert row["po_number"] == "PO-00042"
    assert row["total"] == "1234.50"
    assert row["discount"] is None and row["shipping_total"] is None
    assert row["currency"] == "EUR"
    assert (row["ship_start"], row["ship_end"]) == ("2026-11-01", "2026-12-01")
    # +02:00 becomes UTC, in the text SQLAlchemy's DateTime stores.
    assert row["source_modified_at"] == "2026-10-02 07:30:00.000000"
    assert json.loads(row["shipping_address"]) == {"name": "Boutique Été", "city": "Zürich"}
    assert row["email"] == "buyer@example.com"
    assert json.loads(row["payload"]) == payload()


def test_money_is_kept_exact_or_rounded_to_cents():
    assert map_order(payload(order_total=12), "upc").order["total"] == "12.00"
    assert map_order(payload(order_total=" 7.125 "), "upc").order["total"] == "7.12"
    assert map_order(payload(order_total="-3.5"), "upc").order["total"] == "-3.5"


def test_po_season_delivery_warehouse_payment_and_rep_go_to_metadata():
    meta = json.loads(map_order(payload(), "upc").order["metadata"])
    assert meta["po_number"] == "PO-00042"
    assert meta["season"] == "FW26"
    assert meta["delivery"] == "Delivery 1"
    assert meta["warehouse"] == "Default"
    assert meta["payment_method"] == "Net 30"
    assert meta["sales_rep"] == "Ann Rep"
    assert meta["order_type"] == "Approved"


def test_items_carry_code_quantity_price_and_variations():
    mapped = map_order(payload(), "upc")
    first, second = mapped.item(0), mapped.item(1)
    assert first["code"] == "0001112223334"
    assert first["quantity"] == 6 and first["price"] == "99.5"
    assert json.loads(first["variation_list"]) == {"Color": "Navy", "Size": "M"}
    assert json.loads(first["metadata"])["style_number"] == "ST-1"
    # No UPC on the second line: its style code stands in, so the order still imports.
    assert second["code"] == "ST-2-OS"
    assert json.loads(second["variation_list"]) == {"Color": "", "Size": "OS"}
    assert (second["quantity"], second["price"]) == (2, "10.00")


def test_style_identifier_stores_use_style_colour_size_codes():
    assert map_order(payload(), "style").item(0)["code"] == "ST-1-NV-M"


def test_a_line_with_neither_upc_nor_style_fails_with_words():
    order = payload()
    order["line_items"][1].update(item_upc=None, item_number="", item_color_code="", item_size="")
    with pytest.raises(MappingError) as failure:
        map_order(order, "upc")
    assert str(failure.value) == (
        "Line 2: it has neither a UPC nor a style number, so no item here can match it"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("item_quantity", "abc", "the quantity 'abc' is not a whole number of 0 or more"),
        ("item_quantity", "1.5", "the quantity '1.5' is not a whole number of 0 or more"),
        ("item_quantity", None, "the quantity (empty) is not a whole number of 0 or more"),
        ("item_quantity", -1, "the quantity -1 is not a whole number of 0 or more"),
        ("item_price", "ten", "the price 'ten' is not a number"),
        ("item_price", "NaN", "the price 'NaN' is not a number"),
    ],
)
def test_malformed_lines_fail_the_order_naming_the_line(field, value, message):
    order = payload()
    order["line_items"][0][field] = value
    with pytest.raises(MappingError) as failure:
        map_order(order, "upc")
    # The line is named as the merchant finds it in JOOR: its place and its style.
    assert str(failure.value) == f"Line 1 (style ST-1): {message}"


def test_a_line_that_is_not_an_object_fails_the_order():
    order = payload()
    order["line_items"][1] = "ST-2"
    with pytest.raises(MappingError) as failure:
        map_order(order, "upc")
    assert str(failure.value) == "Line 2: JOOR sent it in a form that is not a line item"


def test_malformed_order_fields_fail_the_order():
    with pytest.raises(MappingError, match="^The order total 'lots' is not a number$"):
        map_order(payload(order_total="lots"), "upc")
    with pytest.raises(MappingError, match="^The ship start date 'soon' is not a date$"):
        map_order(payload(date_ship_start="soon"), "upc")
    # Shaped like JOOR's usual UTC text, but no moment at all.
    with pytest.raises(
        MappingError, match="^The date created '2026-13-45T99:00:00Z' is not a date$"
    ):
        map_order(payload(date_created="2026-13-45T99:00:00Z"), "upc")
    with pytest.raises(
        MappingError, match="^The ship end date '2026-02-30T00:00:00Z' is not a date$"
    ):
        map_order(payload(date_ship_end="2026-02-30T00:00:00Z"), "upc")


def test_utc_moments_and_days_read_the_same_in_every_iso_form():
    forms = ("2026-10-01T23:30:00Z", "2026-10-01T23:30:00+00:00", "2026-10-02T01:30:00+02:00")
    rows = [map_order(payload(date_created=f, date_ship_start=f), "upc").order for f in forms]
    assert {r["source_created_at"] for r in rows} == {"2026-10-01 23:30:00.000000"}
    assert {r["ship_start"] for r in rows} == {"2026-10-01"}


def test_long_text_is_cut_to_the_column():
    row = map_order(payload(customer_purchase_order="P" * 500), "upc").order
    assert len(row["po_number"]) == 100


@pytest.mark.parametrize(
    ("order", "setting", "reason"),
    [
        (payload(order_type_name="Cancelled"), "all_but_cancelled", "cancelled"),
        (payload(order_type_name="Pending"), "approved", "Pending orders are not downloaded"),
        (payload(line_items=[]), "approved", "no line items"),
        (payload(line_items=None), "approved", "no line items"),
    ],
)
def test_skip_reasons(order, setting, reason):
    assert reason in skip_reason(order, setting)


def test_orders_the_setting_admits_are_not_skipped():
    assert skip_reason(payload(order_type_name="Shipped"), "approved_shipped") is None
    assert skip_reason(payload(order_type_name="Something new"), "approved") is None


@pytest.mark.parametrize(
    ("order_id", "stored"), [(4810001, "4810001"), (" 777 ", "777"), ("A-12", "A-12")]
)
def test_an_order_id_is_stored_as_trimmed_text(order_id, stored):
    assert map_order(payload(order_id=order_id), "upc").source_id == stored


@pytest.mark.parametrize(
    ("order_id", "shown"),
    [
        ("7" * 65, "'" + "7" * 65),  # too long to store whole: cut, it would be another id
        (1.8446744073709552e19, "1.8446744073709552e+19"),  # a 64-bit overflow, as decoded
        (True, "true"),
    ],
)
def test_an_order_id_that_cannot_be_kept_fails_the_order_in_words(order_id, shown):
    with pytest.raises(MappingError) as failure:
        map_order(payload(order_id=order_id), "upc")
    assert str(failure.value).startswith("JOOR sent an order id this store cannot keep: " + shown)


@pytest.mark.parametrize("order_id", [None, "", "  "])
def test_an_order_without_its_id_fails_saying_so(order_id):
    with pytest.raises(MappingError) as failure:
        map_order(payload(order_id=order_id), "upc")
    assert str(failure.value).startswith("JOOR sent this order without its order id")


def test_orders_without_ids_are_told_apart_by_content_and_prepared_once():
    from datetime import UTC, datetime

    from webapp.joor import OrdersPage
    from webapp.sync.orders.pages import FAILED, ImportPlan, prepare_pages

    plan = ImportPlan(1, 1, "all_but_cancelled", "upc", datetime.now(UTC), datetime.now(UTC))
    first_bare = payload(order_id=None, customer_purchase_order="PO-1", customer_name="Acme")
    second_bare = payload(order_id=None, customer_purchase_order="PO-2", customer_name="Acme")
    pages = [
        OrdersPage(3, 0, [first_bare, second_bare, payload(order_id=778)]),
        OrdersPage(3, 1, [dict(second_bare)]),  # re-read on the next page (the overlap)
    ]
    first, second = prepare_pages(pages, plan)
    assert sorted(first.mapped) == ["778"]
    subjects = [event["subject"] for event in first.events]
    assert [event["outcome"] for event in first.events] == [FAILED, FAILED]
    assert subjects[0].startswith("(no order id) PO PO-1, customer Acme, #")
    assert subjects[1].startswith("(no order id) PO PO-2, customer Acme, #")
    assert second.size == 0 and not second.events


def test_pages_key_each_order_by_the_id_it_is_stored_under():
    from datetime import UTC, datetime

    from webapp.joor import OrdersPage
    from webapp.sync.orders.pages import FAILED, ImportPlan, prepare_pages

    plan = ImportPlan(1, 1, "all_but_cancelled", "upc", datetime.now(UTC), datetime.now(UTC))
    orders = [payload(order_id=" 777 "), payload(order_id="7" * 65), payload(order_id=778)]
    # The next page re-reads the first one (the client's overlap): it is not prepared twice.
    pages = [OrdersPage(3, 0, orders), OrdersPage(3, 2, [payload(order_id="777")])]
    first, second = prepare_pages(pages, plan)
    assert sorted(first.mapped) == ["777", "778"]
    assert all(key == mapped.source_id for key, mapped in first.mapped.items())
    (unusable,) = first.events
    assert (unusable["subject"], unusable["outcome"]) == ("7" * 65, FAILED)
    assert second.size == 0 and not second.mapped


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("item_price", "1e30", "the price '1e30' is larger than an order here can hold"),
        ("item_price", 1e12, "the price 1000000000000.0 is larger than an order here can hold"),
        ("item_quantity", "99999999999999999999999", "larger than a line here can hold"),
        ("item_quantity", 2**31, "the quantity 2147483648 is larger than a line here can hold"),
        ("item_quantity", "9" * 5000, "is larger than a line here can hold"),
        ("item_quantity", True, "the quantity true is not a whole number"),
    ],
)
def test_values_too_large_to_keep_fail_the_order_in_words(field, value, words):
    order = payload()
    order["line_items"][0][field] = value
    with pytest.raises(MappingError) as failure:
        map_order(order, "upc")
    assert words in str(failure.value) and len(str(failure.value)) < 300


def fingerprint_of(order, identifier="upc") -> str:
    return map_order(order, identifier).row[-1]


def test_the_fingerprint_covers_the_mapped_fields_not_joors_bookkeeping():
    base = fingerprint_of(payload())
    # JOOR's dates of record, fields we do not map, and the Item Identifier setting: no change.
    assert fingerprint_of(payload(date_modified="2027-01-01T00:00:00Z")) == base
    assert fingerprint_of(payload(export_status="exported", internal_ref="x-9")) == base
    assert fingerprint_of(payload(), "style") == base
    # Any field we map: a change.
    lines = payload()["line_items"]
    for changed in (
        payload(order_type_name="Cancelled"),
        payload(date_ship_end="2026-12-15T00:00:00Z"),
        payload(customer_purchase_order="PO-00043"),
        payload(line_items=[{**lines[0], "item_quantity": "7"}, lines[1]]),
        payload(line_items=[lines[1], lines[0]]),
        payload(line_items=lines[:1]),
    ):
        assert fingerprint_of(changed) != base
