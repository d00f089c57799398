"""Settings from the environment."""

from webapp.config import database_url


def test_paas_postgres_urls_are_accepted():
    url = database_url("postgres://u:p@db.example:5432/app", "/srv/instance")
    assert url == "postgresql+psycopg://u:p@db.example:5432/app"


def test_sqlite_in_the_instance_folder_by_default():
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/joorsync.sqlite3"
