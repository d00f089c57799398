"""The account settings page as a whole: the store, its API key and its alert channels."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user
from flask_wtf import FlaskForm

from webapp.account.forms import AlertChannelsForm
from webapp.alerts.delivery import recent_deliveries
from webapp.alerts.settings import MAX_RECIPIENTS, alert_settings
from webapp.extensions import db
from webapp.models.alerts import DELIVERY_QUEUED, DELIVERY_RETRYING


def settings_page(new_key: str | None = None, alerts: dict | None = None) -> str:
    """Render the settings page; a new key is shown this once and never again."""
    return render_template(
        "account/settings.html", store=current_user.store, new_key=new_key, form=FlaskForm(),
        alerts=alerts or alerts_context(),
    )  # fmt: skip


def alerts_context(form: AlertChannelsForm | None = None, new_secret: str | None = None) -> dict:
    """What the alerts section shows."""
    store_id = current_user.store_id
    settings = alert_settings(db.session, store_id)
    db.session.commit()
    if form is None:
        form = AlertChannelsForm(formdata=None, email_to=settings.email_to,
                                 webhook_url=settings.webhook_url)  # fmt: skip
    deliveries = recent_deliveries(db.session, store_id)
    return {
        "form": form,
        "settings": settings,
        "new_secret": new_secret,
        "smtp_ready": bool(current_app.config.get("SMTP_URL")),
        "deliveries": deliveries,
        "pending": any(d.status in (DELIVERY_QUEUED, DELIVERY_RETRYING) for d in deliveries),
        "max_recipients": MAX_RECIPIENTS,
    }
