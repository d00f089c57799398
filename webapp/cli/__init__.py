"""Flask CLI commands: `store`, `joor` and `demo`."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app."""
    from webapp.cli.demo import demo_command
    from webapp.cli.joor import joor_group
    from webapp.cli.store import store_group

    app.cli.add_command(store_group)
    app.cli.add_command(joor_group)
    app.cli.add_command(demo_command)
