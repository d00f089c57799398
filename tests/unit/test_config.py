"""Settings from the environment."""

from webapp.config import database_url


def test_paas_postgres_urls_are_accepted():
    url = database_url("postgres://u:p@db.example:5432/app", "/srv/instance")
    assert url == "postgresql+psycopg://u:p@db.example:5432/app"


def test_sqlite_in_the_instance_folder_by_default():
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/joorsync.sqlite3"


def test_a_deployment_without_secret_key_refuses_to_start_saying_why(monkeypatch, tmp_path):
    import pytest

    from webapp import create_app
    from webapp.config import ConfigError

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_processes_starting_at_once_share_one_whole_local_key(tmp_path):
    # gunicorn starts its workers together on a fresh machine: each must read the same key.
    from concurrent.futures import ProcessPoolExecutor

    from webapp.config import local_secret

    for attempt in range(5):
        folder = str(tmp_path / f"instance-{attempt}")
        with ProcessPoolExecutor(max_workers=8) as pool:
            keys = list(pool.map(local_secret, [folder] * 16))
        assert len(set(keys)) == 1 and len(keys[0]) >= 48
