"""The JSON shapes of items and orders."""

from __future__ import annotations

from decimal import Decimal

from webapp.models import InventoryItem, Order, OrderChange, OrderItem


def money(value: Decimal | None) -> str | None:
    """Return an amount as a string with its two decimals (JSON numbers would round)."""
    return None if value is None else f"{value:.2f}"


def item_json(item: InventoryItem) -> dict:
    """Return an inventory item as the API shows it."""
    return {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "upc": item.upc,
        "price": money(item.price),
        "stock": item.stock,
        "metadata": dict(item.item_metadata or {}),
        "variation_list": dict(item.variation_list or {}),
    }


def _line_json(line: OrderItem) -> dict:
    """Return an order line."""
    return {
        "code": line.code,
        "name": line.name,
        "quantity": line.quantity,
        "price": money(line.price),
        "variation_list": dict(line.variation_list or {}),
        "metadata": dict(line.item_metadata or {}),
    }


def order_json(order: Order) -> dict:
    """Return an order with its items, addresses and totals."""
    return {
        "id": order.id,
        "folder": order.folder.name,
        "source_name": order.source_name,
        "source_id": order.source_id,
        "status": order.status,
        "customer_name": order.customer_name,
        "company_name": order.company_name,
        "customer_code": order.customer_code,
        "email": order.email,
        "po_number": order.po_number,
        "currency": order.currency,
        "total": money(order.total),
        "discount": money(order.discount),
        "shipping_total": money(order.shipping_total),
        "ship_start": order.ship_start.isoformat() if order.ship_start else None,
        "ship_end": order.ship_end.isoformat() if order.ship_end else None,
        "shipping_address": dict(order.shipping_address or {}),
        "billing_address": dict(order.billing_address or {}),
        "metadata": dict(order.order_metadata or {}),
        "comments": order.comments,
        "created_at": order.created_at.isoformat() if order.created_at else None,
        "changed_in_joor_at": _moment(order.changed_in_joor_at),
        "items": [_line_json(line) for line in order.items],
    }


def order_history_json(change: OrderChange) -> dict:
    """Return one change JOOR made to an order, as its history shows it."""
    return {
        "at": _moment(change.created_at),
        "outcome": change.outcome,
        "cancelled": change.cancelled,
        "changes": list(change.changes or []),
        "action": change.action,
        "moved_from": change.moved_from or None,
        "moved_to": change.moved_to or None,
        "joor_modified_at": _moment(change.source_modified_at),
        "run_id": change.run_id,
    }


def _moment(value) -> str | None:
    return value.isoformat() if value else None
