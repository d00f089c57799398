"""Factories for orders and JOOR connections in the order-desk tests."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Folder, JoorConnection, Order, OrderItem, Store

_seq = itertools.count(1000)


def folder_named(store: Store, name: str) -> Folder:
    """Return the store's folder with this name."""
    return db.session.scalar(select(Folder).where(Folder.store_id == store.id, Folder.name == name))


def make_order(store: Store, folder: str = "New", **fields) -> Order:
    """Create a JOOR order with two items in the store's folder."""
    n = next(_seq)
    order = Order(
        store_id=store.id,
        folder_id=folder_named(store, folder).id,
        source_name="Joor",
        source_id=fields.pop("source_id", f"J{n}"),
        customer_name=fields.pop("customer_name", f"Customer {n}"),
        po_number=fields.pop("po_number", f"PO-{n}"),
        currency="USD",
        total=Decimal("150.00"),
        shipping_total=Decimal("10.00"),
        ship_start=date(2025, 3, 1),
        ship_end=date(2025, 3, 31),
        shipping_address={"name": "Shop Ltd", "address_1": "1 Main St", "city": "Lyon"},
        billing_address={"name": "Shop Ltd billing", "city": "Paris"},
        order_metadata={"season": "SS25"},
        payload={"order_id": n, "customer_name": "Customer"},
    )
    order.items = [
        OrderItem(position=0, code="SKU-1", name="Shirt", quantity=2, price=Decimal("50.00"),
                  variation_list={"Color": "Navy", "Size": "M"}),
        OrderItem(position=1, code="SKU-2", name="Scarf", quantity=1, price=Decimal("40.00"),
                  variation_list={"Color": "Rust", "Size": "OS"}),
    ]  # fmt: skip
    for key, value in fields.items():
        setattr(order, key, value)
    db.session.add(order)
    db.session.commit()
    return order


def connect_joor(store: Store, **fields) -> JoorConnection:
    """Give the store a JOOR connection that syncs inventory."""
    values = {"token_encrypted": "encrypted-token", "sync_inventory": True, "warehouse": "Default"}
    query = select(JoorConnection).where(JoorConnection.store_id == store.id)
    connection = db.session.scalar(query) or JoorConnection(store_id=store.id)
    for key, value in {**values, **fields}.items():
        setattr(connection, key, value)
    db.session.add(connection)
    db.session.commit()
    return connection


def scheduled_jobs() -> list[str]:
    """Return the ids of the jobs waiting in RQ's scheduled registry of the default queue."""
    from rq.registry import ScheduledJobRegistry

    from webapp.sync.queues import queue

    return ScheduledJobRegistry(queue=queue("default")).get_job_ids()


def one_push_scheduled(store: Store) -> bool:
    """Tell whether exactly one job is scheduled and it is the store's debounced push."""
    from webapp.sync.push.enqueue import push_job_id

    return scheduled_jobs() == [push_job_id(store.id)]
