"""CSV import of inventory: checks every row first, reports bad rows, applies in bulk."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from sqlalchemy import func, select

from tests.factories import make_item
from tests.web.order_factories import connect_joor, one_push_scheduled, scheduled_jobs
from webapp.extensions import db
from webapp.models import InventoryItem


def _upload(client, text: str, name: str = "items.csv", bom: bool = False):
    data = ("\ufeff" if bom else "").encode() + text.encode()
    return client.post(
        "/inventory/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _items(store) -> dict[str, InventoryItem]:
    db.session.expire_all()
    query = select(InventoryItem).where(InventoryItem.store_id == store.id)
    return {item.code: item for item in db.session.scalars(query)}


def test_upload_page_explains_the_columns(auth_client):
    page = auth_client.get("/inventory/import").get_data(as_text=True)
    assert "meta:NAME" in page and "skip_push|1;season|SS25" in page


def test_good_file_is_applied_and_enqueues_one_push(auth_client, store):
    connect_joor(store)
    make_item(store, "OLD", stock=1, name="Kept name", metadata={"a": "1"})
    csv = (
        "Code,NAME,stock,price,upc,meta:skip_joor\n"
        "NEW-1,Shirt,5,12.5,00012345,1\n"
        "NEW-2,Scarf,0,,,\n"
        "OLD,,7,,,\n"
    )
    response = _upload(auth_client, csv, bom=True)
    assert response.status_code == 302
    items = _items(store)
    assert items["NEW-1"].name == "Shirt" and items["NEW-1"].price == Decimal("12.50")
    assert items["NEW-1"].upc == "00012345" and items["NEW-1"].item_metadata == {"skip_joor": "1"}
    assert items["NEW-2"].stock == 0 and items["NEW-2"].price is None
    assert items["OLD"].stock == 7 and items["OLD"].name == "Kept name"
    assert items["OLD"].item_metadata == {"a": "1"}
    _upload(auth_client, "code,stock\nNEW-2,3\n")
    assert one_push_scheduled(store)


def test_metadata_column_replaces_settings(auth_client, store):
    make_item(store, "A", metadata={"old": "x"})
    assert _upload(auth_client, "code,metadata\nA,skip_push|1;season|SS25\n").status_code == 302
    assert _items(store)["A"].item_metadata == {"skip_push": "1", "season": "SS25"}


def test_bad_rows_are_reported_by_line_and_nothing_is_written(auth_client, store):
    connect_joor(store)
    make_item(store, "KEEP", stock=2)
    csv = (
        "code,stock,price,metadata\n"
        "GOOD-1,1,1.00,\n"
        ",4,,\n"
        "BAD-STOCK,-2,,\n"
        "BAD-PRICE,1,abc,\n"
        "GOOD-1,3,,\n"
        "BAD-META,1,,broken\n"
        "KEEP,9,,\n"
    )
    response = _upload(auth_client, csv)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    rows = re.findall(r'<td class="num">(\d+)</td><td>[^<]*</td><td>([^<]*)</td>', page)
    assert [line for line, _ in rows] == ["3", "4", "5", "6", "7"]
    reasons = dict(rows)
    assert "code is required" in reasons["3"]
    assert "0 or more" in reasons["4"]
    assert "decimal" in reasons["5"]
    assert "already appears on line 2" in reasons["6"]
    assert "metadata" in reasons["7"]
    assert set(_items(store)) == {"KEEP"} and _items(store)["KEEP"].stock == 2
    assert scheduled_jobs() == []


def test_confirming_applies_only_the_good_rows(auth_client, store):
    csv = "code,stock\nGOOD-1,1\nBAD,x\nGOOD-2,2\n"
    page = _upload(auth_client, csv).get_data(as_text=True)
    token = re.search(r"/inventory/import/([\w-]+)/apply", page).group(1)
    response = auth_client.post(f"/inventory/import/{token}/apply")
    assert response.status_code == 302
    assert {code: item.stock for code, item in _items(store).items()} == {"GOOD-1": 1, "GOOD-2": 2}
    # The upload is gone once applied: applying again writes nothing more.
    again = auth_client.post(f"/inventory/import/{token}/apply")
    assert again.headers["Location"].endswith("/inventory/import")


def test_cancelling_writes_nothing(auth_client, store):
    page = _upload(auth_client, "code,stock\nGOOD,1\nBAD,-1\n").get_data(as_text=True)
    token = re.search(r"/inventory/import/([\w-]+)/discard", page).group(1)
    auth_client.post(f"/inventory/import/{token}/discard")
    auth_client.post(f"/inventory/import/{token}/apply")
    assert _items(store) == {}


def test_an_upload_belongs_to_the_store_that_sent_it(app, auth_client, store, other_store):
    from tests.conftest import login

    page = _upload(auth_client, "code,stock\nGOOD,1\nBAD,-1\n").get_data(as_text=True)
    token = re.search(r"/inventory/import/([\w-]+)/apply", page).group(1)
    rival = login(app, other_store.users[0].email)
    rival.post(f"/inventory/import/{token}/apply")
    assert _items(other_store) == {} and _items(store) == {}


def test_unreadable_files_are_refused_whole(auth_client, store):
    for text, message in [
        ("name,stock\nA,1\n", "needs a code column"),
        ("code,stok\nA,1\n", "Unknown column"),
        ("code,stock\n", "no rows"),
    ]:
        response = _upload(auth_client, text)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    latin1 = auth_client.post(
        "/inventory/import",
        data={"file": (io.BytesIO("code,name\nA,Caf\xe9\n".encode("latin-1")), "x.csv")},
        content_type="multipart/form-data",
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.get_data(as_text=True)
    assert _items(store) == {}


def test_error_list_is_capped_but_counted(auth_client):
    csv = "code,stock\n" + "".join(f"C{n},-1\n" for n in range(250))
    page = _upload(auth_client, csv).get_data(as_text=True)
    assert "250 row(s) to fix" in page and "the first 100 are listed" in page


def test_hundred_thousand_rows_import_in_one_go(auth_client, store):
    connect_joor(store)
    make_item(store, "C00000", stock=99)
    lines = ["code,name,stock,price,upc,meta:season"]
    lines += [f"C{n:05d},Item {n},{n % 50},{n % 100}.99,{n:012d},SS25" for n in range(100_000)]
    response = _upload(auth_client, "\n".join(lines) + "\n")
    assert response.status_code == 302
    count = select(func.count()).where(InventoryItem.store_id == store.id)
    assert db.session.scalar(count) == 100_000
    last = db.session.scalar(select(InventoryItem).where(InventoryItem.code == "C99999"))
    assert (last.stock, last.price, last.item_metadata) == (
        49,
        Decimal("99.99"),
        {"season": "SS25"},
    )
    assert _items_stock(store, "C00000") == 0
    assert one_push_scheduled(store)


def _items_stock(store, code: str) -> int:
    db.session.expire_all()
    query = select(InventoryItem.stock).where(
        InventoryItem.store_id == store.id, InventoryItem.code == code
    )
    return db.session.scalar(query)
