"""GET /healthz reports the database, Redis and workers."""

from __future__ import annotations

import redis
from rq import Worker

from tests.services import RedisServer
from webapp import create_app


def test_healthy_when_database_redis_and_a_worker_are_up(app, client):
    worker = Worker(["polling", "default"], connection=app.extensions["redis"])
    worker.register_birth()
    try:
        response = client.get("/healthz")
    finally:
        worker.register_death()
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["workers"]["count"] == 1
    assert set(body["workers"]["queues"]) == {"polling", "default"}


def test_no_worker_is_503_naming_workers(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["workers"]


def test_stopped_redis_is_503_naming_redis(service_urls, _schema):
    server = RedisServer()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": service_urls["database"],
            "REDIS_URL": server.url,
        }
    )
    assert app.extensions["redis"].ping()
    server.stop()
    app.extensions["redis"] = redis.Redis.from_url(server.url, socket_timeout=1)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert "redis" in body["failing"]
    assert body["database"]["ok"] is True


def test_with_redis_down_a_login_says_so_in_words_not_a_500(service_urls, _schema, user):
    import re

    server = RedisServer()
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "REDIS_URL": server.url,
                      "SQLALCHEMY_DATABASE_URI": service_urls["database"]})  # fmt: skip
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    server.stop()
    app.extensions["redis"] = redis.Redis.from_url(server.url, socket_timeout=1)

    form = {"email": user.email, "password": "whatever-it-is", "csrf_token": token}
    response = client.post("/login", data=form)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "cannot reach its job queue right now" in response.get_data(as_text=True)
    assert "cannot reach its job queue" in response.headers["X-Error-Message"]  # htmx's banner


def test_each_store_verdict_is_in_the_json_by_id_without_names(app, client, store, other_store):
    from tests.web.panel_helpers import connect_store, make_run
    from webapp.alerts.evaluation import evaluate_store
    from webapp.extensions import db

    connect_store(store.id)
    connect_store(other_store.id, poll_minutes=0, sync_inventory=False)
    for _ in range(3):
        make_run(store.id, "poll", status="failed")
    evaluate_store(db.session, store.id)  # the clock's check opens the episode

    body = client.get("/healthz").get_json()

    by_id = {entry["store_id"]: entry for entry in body["stores"]}
    assert by_id[store.id]["verdict"] == "needs attention"
    assert by_id[store.id]["cause"] == "imports_failing" and by_id[store.id]["since"]
    assert by_id[other_store.id]["verdict"] == "paused"
    assert store.slug not in client.get("/healthz").get_data(as_text=True)
    assert body["failing"] == ["workers"]  # no worker here; a store's trouble adds nothing
