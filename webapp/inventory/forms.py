"""Inventory forms: stock, custom settings and the CSV upload."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from webapp.rules import MetadataError, parse_metadata


class StockForm(FlaskForm):
    """An item's stock count."""

    stock = IntegerField(
        "Stock",
        validators=[
            InputRequired("Enter a whole number."),
            NumberRange(min=0, max=2_000_000_000, message="Stock must be 0 or more."),
        ],
    )


class SettingsForm(FlaskForm):
    """An item's custom settings as `name|value` lines."""

    settings = TextAreaField("Custom settings")

    def validate_settings(self, field) -> None:
        """Refuse lines that do not read as `name|value`, naming the line."""
        try:
            parse_metadata(field.data or "")
        except MetadataError as exc:
            raise ValidationError(f"Line {exc.line}: {exc.reason}.") from exc


class UploadForm(FlaskForm):
    """A CSV file of inventory items."""

    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")])
