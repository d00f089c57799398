"""Account forms: changing one's password, and where alerts go."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.stores import MIN_PASSWORD_LENGTH

# The login form takes at most this many characters: a longer password could never log in.
MAX_PASSWORD_LENGTH = 200


class PasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", "The two new passwords are not the same.")],
    )


class AlertChannelsForm(FlaskForm):
    """Where alerts go: email addresses, a webhook URL (either may be left empty)."""

    email_to = StringField("Email alerts to", validators=[Length(max=1000)])
    webhook_url = StringField("Webhook URL", validators=[Length(max=2000)])
