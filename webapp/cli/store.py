"""`flask store ...`: create stores and API keys."""

from __future__ import annotations

import click
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Store
from webapp.stores import StoreError, create_store, issue_api_key


@click.group("store")
def store_group() -> None:
    """Manage stores."""


@store_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The store's display name.")
@click.option("--email", required=True, help="The first user's email (their login).")
@click.option("--password", required=True, help="The first user's password.")
def create(slug: str, name: str, email: str, password: str) -> None:
    """Create a store with folders New, Prepared and Closed and its first user."""
    try:
        store = create_store(slug, name, email, password)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created store {store.slug} (id {store.id}) with user {email.lower()}")


@store_group.command("api-key")
@click.argument("slug")
def api_key(slug: str) -> None:
    """Print a new API key for the store (once; it is stored hashed)."""
    store = db.session.scalar(select(Store).where(Store.slug == slug))
    if store is None:
        raise click.ClickException(f"No store with the slug {slug!r}.")
    click.echo(issue_api_key(store))
