"""Forms of the order desk: moving orders and naming folders."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from webapp.numbers import record_id


class MoveForm(FlaskForm):
    """Move one order to a folder."""

    folder_id = SelectField("Move to folder", coerce=int)


class MoveManyForm(FlaskForm):
    """Move the ticked orders to a folder."""

    folder_id = SelectField("Move to folder", coerce=int)
    # Ids are checked against the store when moving, so any id is accepted here.
    order_ids = SelectMultipleField("Orders", coerce=record_id, validate_choice=False)


class FolderForm(FlaskForm):
    """A folder's name."""

    name = StringField("Folder name", validators=[DataRequired(), Length(max=100)])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (delete buttons)."""


class ReviewForm(FlaskForm):
    """Mark an order's changes made in JOOR as reviewed, up to the change the page showed."""

    seen = HiddenField()
