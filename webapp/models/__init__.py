"""The data model: every merchant row carries store_id."""

from webapp.models.alerts import AlertDelivery, AlertEpisode, AlertSettings
from webapp.models.inventory import InventoryItem
from webapp.models.joor import JoorConnection, PushedStock, SettingsChange
from webapp.models.order import Order, OrderChange, OrderItem
from webapp.models.store import DEFAULT_FOLDERS, Folder, Store, User
from webapp.models.sync import SyncEvent, SyncRun

__all__ = [
    "AlertDelivery",
    "AlertEpisode",
    "AlertSettings",
    "DEFAULT_FOLDERS",
    "Folder",
    "InventoryItem",
    "JoorConnection",
    "Order",
    "OrderChange",
    "OrderItem",
    "PushedStock",
    "SettingsChange",
    "Store",
    "SyncEvent",
    "SyncRun",
    "User",
]
