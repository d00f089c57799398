"""`flask demo`: a demo store and login for local runs, printed on the console."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Store, User
from webapp.stores import create_store

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@example.com"


def _demo_password() -> str:
    """Return the local demo password, created once and kept in instance/."""
    path = Path(current_app.instance_path) / "demo-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


@click.command("demo")
def demo_command() -> None:
    """Create (or refresh) the demo store and print its login."""
    password = _demo_password()
    store = db.session.scalar(select(Store).where(Store.slug == DEMO_SLUG))
    if store is None:
        store = create_store(DEMO_SLUG, "Demo Brand", DEMO_EMAIL, password)
    else:
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        user.set_password(password)
        db.session.commit()
    _seed_demo_data(store)
    port = os.environ.get("PORT") or "5000"  # the web port `make run` starts gunicorn on
    line = f"Demo login: {DEMO_EMAIL} / {password}   (http://127.0.0.1:{port})"
    slug = f"Demo store: {DEMO_SLUG}   (the command line's --store {DEMO_SLUG}; see README)"
    click.echo("=" * len(line))
    click.echo(line)
    click.echo(slug)
    click.echo("=" * len(line))


def _seed_demo_data(store: Store) -> None:
    """Give the demo store inventory items that match the JOOR simulator's catalogue."""
    from webapp.demo_data import seed_inventory

    added = seed_inventory(store)
    if added:
        click.echo(f"Added {added} demo inventory items matching the JOOR simulator.")
