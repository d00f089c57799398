"""API authentication, request limits and errors as JSON."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from webapp.api.blueprint import bp
from webapp.errors import error_body
from webapp.numbers import MAX_ID, whole_number
from webapp.stores import store_for_api_key

MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_PER_PAGE = 500
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class ApiError(Exception):
    """An error answered as `{"error": {"code", "message", "field"?}}` with its status."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = (
            status, code, message, field, extra,
        )  # fmt: skip

    def body(self) -> dict:
        """Return the JSON body."""
        field = {"field": self.field} if self.field else {}
        return error_body(self.code, self.message, **self.extra, **field)


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    response = jsonify(exc.body())
    response.status_code = exc.status
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_request
def authenticate():
    """Find the store by its API key and refuse oversized bodies before any work."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    store = store_for_api_key(key.strip()) if scheme.lower() == "bearer" and key else None
    if store is None:
        raise ApiError(
            401, "unauthorized", "Send a valid store API key: Authorization: Bearer <key>."
        )
    g.api_store = store
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"The body is over {MAX_BODY_BYTES // 1024 // 1024} MB.")


@bp.route("/", defaults={"rest": ""}, methods=METHODS)
@bp.route("/<path:rest>", methods=METHODS)
def not_found(rest: str):
    """Answer unknown API paths (and wrong methods on known ones) in JSON."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.not_found":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound("No such API path; see docs/API.md.")


def json_body() -> object:
    """Return the parsed JSON body, or answer 400 when it is missing, malformed or too deep."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        # Python's parser recurses per level: 100,000 nested brackets exhaust the stack.
        raise ApiError(400, "invalid_json", "The JSON is nested too deeply.") from None
    if data is None:
        raise ApiError(
            400, "invalid_json", "The body must be JSON (Content-Type: application/json)."
        )
    return data


def page_args() -> tuple[int, int]:
    """Return page and per_page from the query string (per_page at most 500, default 50)."""
    values = {}
    for name, default, top in (("page", 1, MAX_ID), ("per_page", 50, MAX_PER_PAGE)):
        raw = request.args.get(name, str(default))
        values[name] = whole_number(raw, low=1, high=top)
        if values[name] is None:
            message = f"{name} must be a whole number from 1 to {top}"
            raise ApiError(400, "invalid_parameter", message, name)
    return values["page"], values["per_page"]
