"""Forms of the JOOR panel: they check shape; business rules live in webapp.sync.connection."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.clock import today
from webapp.formkit import select_choices
from webapp.rules.twig import MAX_SOURCE
from webapp.sync.connection.settings import (
    CHANGE_CHOICES,
    IDENTIFIER_CHOICES,
    MODE_CHOICES,
    ORDER_TYPE_CHOICES,
    POLL_CHOICES,
    PUSH_SHARE_CHOICES,
    TEMPLATE_FIELDS,
)
from webapp.sync.orders.importing import since_problem

# The labels JOOR's environments carry in the panel; "local" exists only where configured.
ENVIRONMENT_LABELS = (
    ("production", "Production"),
    ("sandbox", "Sandbox (JOOR test)"),
    ("local", "Local simulator"),
)


def environment_choices(local_url: str | None) -> list[tuple[str, str]]:
    """Return the environments a merchant may pick on this server."""
    return [(name, label) for name, label in ENVIRONMENT_LABELS if name != "local" or local_url]


class ConnectForm(FlaskForm):
    """The access token JOOR issued and the environment it belongs to."""

    token = PasswordField(
        "Access token",
        validators=[
            DataRequired("Paste the access token JOOR gave you."),
            Length(max=500, message="That token is longer than any JOOR token."),
        ],
    )
    environment = SelectField("Environment", default="production")


class EmptyForm(FlaskForm):
    """Only the CSRF token (Disconnect, Retry, Push now)."""


class ImportForm(FlaskForm):
    """Download JOOR orders modified since a date."""

    since = DateField(
        "Orders modified since",
        validators=[DataRequired("Pick the date to import from.")],
        # A month back covers the usual "catch up after connecting" import.
        default=lambda: today() - timedelta(days=30),
    )

    def validate_since(self, field: DateField) -> None:
        """A future date would import nothing; say so instead."""
        problem = since_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)


def _template_field(label: str) -> TextAreaField:
    too_long = f"{label}: a template can be at most {MAX_SOURCE:,} characters."
    validators = [Optional(), Length(max=MAX_SOURCE, message=too_long)]
    return TextAreaField(label, validators=validators, render_kw={"rows": 1})


class SettingsForm(FlaskForm):
    """Every panel setting in one form; choices come from webapp.sync.connection.settings."""

    poll_minutes = SelectField(
        "Check for New Orders", choices=select_choices(POLL_CHOICES), coerce=int
    )
    order_type = SelectField("Orders to download", choices=select_choices(ORDER_TYPE_CHOICES))
    folder = SelectField("Folder for New Orders")
    on_change = SelectField(
        "When JOOR changes an imported order", choices=select_choices(CHANGE_CHOICES)
    )
    cancelled_folder = SelectField("Folder for orders cancelled in JOOR")
    sync_inventory = BooleanField("Sync Inventory")
    warehouse = StringField("Default Warehouse", validators=[Length(max=100)])
    inventory_mode = SelectField("Update / Overwrite", choices=select_choices(MODE_CHOICES))
    identifier = SelectField("Item Identifier", choices=select_choices(IDENTIFIER_CHOICES))
    style_number = _template_field("Style Number")
    style_identifier = _template_field("Style Identifier")
    color_code = _template_field("Color Code")
    size = _template_field("Size")
    push_share = SelectField(
        "JOOR credits for pushes", choices=select_choices(PUSH_SHARE_CHOICES), coerce=int
    )

    def changes(self) -> dict[str, str]:
        """Return the submitted settings as the text apply_settings takes."""
        values = {
            "poll_minutes": str(self.poll_minutes.data),
            "order_type": self.order_type.data,
            "folder": self.folder.data,
            "on_change": self.on_change.data,
            "cancelled_folder": self.cancelled_folder.data or "",
            "sync_inventory": "on" if self.sync_inventory.data else "off",
            "warehouse": (self.warehouse.data or "").strip(),
            "inventory_mode": self.inventory_mode.data,
            "identifier": self.identifier.data,
        }
        for name, _ in TEMPLATE_FIELDS:
            values[name] = getattr(self, name).data or ""
        values["push_share"] = str(self.push_share.data)
        return values


TEMPLATE_NAMES = tuple(name for name, _ in TEMPLATE_FIELDS)
