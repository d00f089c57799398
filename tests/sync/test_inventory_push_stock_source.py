"""Items streamed from the database as the rules' StockItem values."""

from __future__ import annotations

from tests.factories import make_item
from webapp.extensions import db
from webapp.sync.push.stock_source import iter_stock_items


def test_items_stream_in_id_order_for_one_store_only(store, other_store):
    first = make_item(store, "b-code", stock=2)
    make_item(other_store, "rival", stock=9)
    second = make_item(store, "a-code", stock=3)

    items = list(iter_stock_items(db.session, store.id, batch=1))

    assert [(i.id, i.code, i.stock) for i in items] == [
        (first.id, "b-code", 2),
        (second.id, "a-code", 3),
    ]


def test_metadata_and_variations_reach_the_rules_as_text(store):
    make_item(
        store,
        "shirt",
        upc="0123",
        metadata={"skip_joor": 1, "style": "ST-1", "note": None},
        variation_list={"Size": "M"},
    )

    [item] = iter_stock_items(db.session, store.id)

    assert item.metadata == {"skip_joor": "1", "style": "ST-1", "note": ""}
    assert (item.variation_list, item.upc, item.name) == ({"Size": "M"}, "0123", "shirt")
