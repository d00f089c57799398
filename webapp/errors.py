"""The home redirect and error pages in the product's layout (JSON under /api/ and /healthz)."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from werkzeug.exceptions import HTTPException

from webapp.teardown import discard_failed_transaction

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood. If you were submitting a form, reload the page "
    "and try again.",
    403: "You do not have access to this page.",
    404: "There is nothing here. It may have been removed, or it belongs to another store.",
    405: "That action is not available here.",
    413: "The upload is too large.",
    429: "Too many requests. Wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
    503: "Joor Sync cannot reach its job queue right now, so this could not be done. Try again "
    "in a minute; if it goes on, the service's operator has been alerted by its health check.",
}
RETRY_AFTER_SECONDS = "30"


def init_app(app: Flask) -> None:
    """Register the home page redirect and the error handlers."""
    app.add_url_rule("/", "home", lambda: redirect(url_for("integration.panel")))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
    for outage in (RedisConnectionError, RedisTimeoutError):
        app.register_error_handler(outage, _queue_unreachable)


def _wants_page() -> bool:
    """Tell whether the client expects HTML (not the JSON API or the health check)."""
    return not (request.path.startswith("/api/") or request.path == "/healthz")


def _http_error(error: HTTPException):
    """Render an HTTP error in the layout, or in JSON for the API and the health check."""
    if error.code is None or error.code < 400:
        return error
    if not _wants_page():
        return json_error(error)
    message = MESSAGES.get(error.code, error.description)
    if error.code == 400 and "CSRF" in (error.description or ""):
        message = "This form has expired. Reload the page and try again."
    page = render_template("errors/error.html", code=error.code, message=message)
    return page, error.code, _for_htmx(message)


def _server_error(error):
    """Render an unexpected error in the layout (JSON for the API and the health check)."""
    # PostgreSQL refuses every query in an aborted transaction, the page's own included.
    discard_failed_transaction()
    if not _wants_page():
        return jsonify(error_body("internal_error", MESSAGES[500])), 500
    page = render_template("errors/error.html", code=500, message=MESSAGES[500])
    return page, 500, _for_htmx(MESSAGES[500])


def error_body(code: str, message: str, **extra) -> dict:
    """The JSON error shape of the API and the health check."""
    return {"error": {"code": code, "message": message, **extra}}


def json_error(error: HTTPException) -> Response:
    """An HTTP error as JSON, with its headers (a 405's Allow)."""
    code = (error.name or "error").lower().replace(" ", "_")
    response = jsonify(error_body(code, error.description or error.name))
    response.status_code = error.code or 500
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _queue_unreachable(error: Exception):
    """Redis is down or slow: say so with a 503 (the health check names it too), not a 500."""
    log.error("Redis unreachable while serving %s %s: %s", request.method, request.path, error)
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if not _wants_page():
        return jsonify(error_body("unavailable", MESSAGES[503])), 503, headers
    page = render_template("errors/error.html", code=503, message=MESSAGES[503])
    return page, 503, headers | _for_htmx(MESSAGES[503])


def _for_htmx(message: str) -> dict[str, str]:
    """The message as a header htmx's error banner shows (htmx does not swap an error page)."""
    # Header values are Latin-1: these messages are ours and ASCII, a description may not be.
    return {ERROR_HEADER: message.encode("ascii", "replace").decode()}


ERROR_HEADER = "X-Error-Message"
