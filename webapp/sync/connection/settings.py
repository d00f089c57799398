"""The panel's settings: names, allowed values, validation, audit and the poll schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.models import Folder, JoorConnection, SettingsChange
from webapp.models.store import CANCELLED_FOLDER
from webapp.rules.change_plans import NOTE, UPDATE_NEW, cancel_folder

POLL_CHOICES: tuple[tuple[int, str], ...] = (
    (0, "Off"),
    (5, "Every 5 minutes"),
    (15, "Every 15 minutes"),
    (30, "Every 30 minutes"),
    (60, "Every hour"),
    (120, "Every 2 hours"),
    (360, "Every 6 hours"),
    (720, "Every 12 hours"),
    (1440, "Every 24 hours"),
)
ORDER_TYPE_CHOICES = (
    ("approved", "Approved"),
    ("approved_shipped", "Approved & Shipped"),
    ("shipped", "Shipped"),
    ("pending", "Pending"),
    ("all_but_cancelled", "All but cancelled"),
)
CHANGE_CHOICES = (
    (UPDATE_NEW, "Update while in the new-orders folder"),
    (NOTE, "Only note it"),
)
DEFAULT_CANCELLED = f"{CANCELLED_FOLDER} (made on first use)"
MODE_CHOICES = (("update", "Update"), ("overwrite", "Overwrite"))
# The share of each JOOR credit window pushes may use; orders keep the rest.
PUSH_SHARE_CHOICES: tuple[tuple[int, str], ...] = tuple(
    (percent, f"{percent}%") for percent in (30, 40, 50, 60, 70, 80, 90)
)
IDENTIFIER_CHOICES = (("upc", "UPC"), ("style", "Style Identifier"))
TEMPLATE_FIELDS = (
    ("style_number", "Style Number"),
    ("style_identifier", "Style Identifier"),
    ("color_code", "Color Code"),
    ("size", "Size"),
)
SETTING_NAMES = (
    "poll_minutes",
    "order_type",
    "folder",
    "on_change",
    "cancelled_folder",
    "warehouse",
    "sync_inventory",
    "inventory_mode",
    "identifier",
    *(name for name, _ in TEMPLATE_FIELDS),
    "push_share",
)
ON_OFF = {"on": True, "off": False, "true": True, "false": False, "1": True, "0": False}
# How the panel names each setting, and the stored values that have a label of their own.
SETTING_LABELS = {
    "poll_minutes": "Check for New Orders",
    "order_type": "Orders to download",
    "folder": "Folder for New Orders",
    "on_change": "When JOOR changes an imported order",
    "cancelled_folder": "Folder for orders cancelled in JOOR",
    "warehouse": "Default Warehouse",
    "sync_inventory": "Sync Inventory",
    "inventory_mode": "Update / Overwrite",
    "identifier": "Item Identifier",
    **{name: f"{label} template" for name, label in TEMPLATE_FIELDS},
    "push_share": "JOOR credits for pushes",
}
_VALUE_LABELS = {
    "poll_minutes": {str(minutes): label for minutes, label in POLL_CHOICES},
    "order_type": dict(ORDER_TYPE_CHOICES),
    "on_change": dict(CHANGE_CHOICES),
    "cancelled_folder": {"": DEFAULT_CANCELLED},
    "sync_inventory": {"on": "On", "off": "Off"},
    "inventory_mode": dict(MODE_CHOICES),
    "identifier": dict(IDENTIFIER_CHOICES),
    "push_share": {str(percent): label for percent, label in PUSH_SHARE_CHOICES},
}


def value_label(setting: str, value: str) -> str:
    """A recorded setting value as the panel's choices name it (other values as they are)."""
    return _VALUE_LABELS.get(setting, {}).get(value, value)


class SettingsError(ValueError):
    """One or more settings were refused; `errors` maps setting name to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Actor:
    """Who is changing settings: a user of the store, or the command line."""

    label: str
    user_id: int | None = None


def current_values(session: Session, conn: JoorConnection) -> dict[str, str]:
    """Return every setting as the text the panel and CLI show."""
    folder = session.get(Folder, conn.folder_id) if conn.folder_id else None
    return {
        "poll_minutes": str(conn.poll_minutes),
        "order_type": conn.order_type,
        "folder": folder.name if folder else "",
        "on_change": conn.on_change,
        "cancelled_folder": cancelled_folder_name(session, conn),
        "warehouse": conn.warehouse,
        "sync_inventory": "on" if conn.sync_inventory else "off",
        "inventory_mode": conn.inventory_mode,
        "identifier": conn.identifier,
        **conn.templates(),
        "push_share": str(conn.push_share),
    }


def cancelled_folder_name(session: Session, conn: JoorConnection) -> str:
    """The folder orders cancelled in JOOR go to; "" while the default is not made yet."""
    query = select(Folder.id, Folder.name).where(Folder.store_id == conn.store_id)
    names = {folder_id: name for folder_id, name in session.execute(query)}
    folder_id, name = cancel_folder(names, conn.cancelled_folder_id, CANCELLED_FOLDER)
    return name if folder_id is not None else ""


def _folder_id(session: Session, store_id: int, name: str) -> int:
    """Return the id of the store's folder with this name, or raise."""
    folder_id = session.scalar(
        select(Folder.id).where(Folder.store_id == store_id, Folder.name == name.strip())
    )
    if folder_id is None:
        raise ValueError(f"There is no folder named {name.strip()!r}.")
    return folder_id


def _check_choice(value: str, choices, label: str) -> str:
    allowed = [key for key, _ in choices]
    if value not in allowed:
        raise ValueError(f"{label} must be one of: {', '.join(map(str, allowed))}.")
    return value


def _check_template(name: str, source: str) -> str:
    """Compile a Twig template to prove it works; its error is the merchant's message."""
    from webapp.rules import TemplateError, compile_template

    label = dict(TEMPLATE_FIELDS)[name]
    try:
        compile_template(source, label)
    except TemplateError as exc:
        raise ValueError(str(exc)) from exc
    return source


def _parse(session: Session, store_id: int, name: str, raw: str):
    """Turn one setting's text into the value stored on the connection, or raise ValueError."""
    value = raw.strip() if name not in dict(TEMPLATE_FIELDS) else raw
    if name == "poll_minutes":
        if not value.isdigit():
            raise ValueError("Check for New Orders takes a number of minutes (0 for off).")
        return "poll_minutes", int(_check_choice(int(value), POLL_CHOICES, "Check for New Orders"))
    if name == "order_type":
        return "order_type", _check_choice(value, ORDER_TYPE_CHOICES, "Orders to download")
    if name == "folder":
        return "folder_id", _folder_id(session, store_id, value)
    if name == "on_change":
        return "on_change", _check_choice(value, CHANGE_CHOICES, "When JOOR changes an order")
    if name == "cancelled_folder":
        return "cancelled_folder_id", _folder_id(session, store_id, value) if value else None
    if name == "warehouse":
        if len(value) > 100:
            raise ValueError("The warehouse name is longer than 100 characters.")
        return "warehouse", value
    if name == "sync_inventory":
        if value.lower() not in ON_OFF:
            raise ValueError("Sync Inventory is on or off.")
        return "sync_inventory", ON_OFF[value.lower()]
    if name == "inventory_mode":
        return "inventory_mode", _check_choice(value, MODE_CHOICES, "Update / Overwrite")
    if name == "identifier":
        return "identifier", _check_choice(value, IDENTIFIER_CHOICES, "Item Identifier")
    if name in dict(TEMPLATE_FIELDS):
        return f"tpl_{name}", _check_template(name, value)
    if name == "push_share":
        percent = value.rstrip("%").strip()
        label = "JOOR credits for pushes"
        if not percent.isdigit():
            raise ValueError(f"{label} takes a percent of each credit window, e.g. 60.")
        return "push_share", int(_check_choice(int(percent), PUSH_SHARE_CHOICES, label))
    raise ValueError(f"Unknown setting {name!r}; the settings are: {', '.join(SETTING_NAMES)}.")


def _check_whole(conn: JoorConnection, errors: dict[str, str]) -> None:
    """Checks across settings: folders kept apart, and what Sync Inventory needs to be on."""
    if conn.cancelled_folder_id is not None and conn.cancelled_folder_id == conn.folder_id:
        errors.setdefault(
            "cancelled_folder",
            "Orders cancelled in JOOR need a folder other than the one new orders land in.",
        )
    if not conn.sync_inventory:
        return
    if not conn.warehouse.strip():
        errors.setdefault("warehouse", "Default Warehouse is required when Sync Inventory is on.")
    if conn.identifier == "style":
        for name, label in TEMPLATE_FIELDS:
            if not getattr(conn, f"tpl_{name}").strip():
                errors.setdefault(name, f"{label} needs a template for Style Identifier mode.")


def apply_settings(
    session: Session, conn: JoorConnection, changes: dict[str, str], actor: Actor
) -> list[SettingsChange]:
    """Validate and apply settings; record each real change; commit. Nothing changes on error."""
    before = current_values(session, conn)
    errors: dict[str, str] = {}
    parsed = {}
    for name, raw in changes.items():
        try:
            attr, value = _parse(session, conn.store_id, name, raw)
        except ValueError as exc:
            errors[name] = str(exc)
        else:
            parsed[attr] = value
    if not errors:
        for attr, value in parsed.items():
            setattr(conn, attr, value)
        _check_whole(conn, errors)
    if errors:
        session.rollback()
        raise SettingsError(errors)
    after = current_values(session, conn)
    audit = [
        SettingsChange(
            store_id=conn.store_id,
            user_id=actor.user_id,
            actor=actor.label,
            setting=name,
            old_value=before[name],
            new_value=after[name],
        )
        for name in SETTING_NAMES
        if before[name] != after[name]
    ]
    if "poll_minutes" in {c.setting for c in audit}:
        schedule_next_poll(conn, from_now=True)
    session.add_all(audit)
    session.commit()
    return audit


def schedule_next_poll(conn: JoorConnection, *, from_now: bool = False) -> None:
    """Set when the clock should next poll this store (never while off or not connected)."""
    if not conn.poll_minutes or not conn.is_connected or conn.status == "failing":
        conn.next_poll_at = None
        return
    delay = timedelta() if from_now else timedelta(minutes=conn.poll_minutes)
    conn.next_poll_at = utcnow() + delay
