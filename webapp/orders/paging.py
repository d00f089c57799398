"""Helpers the order-desk pages share: page arguments and page-or-fragment answers."""

from __future__ import annotations

from flask import Response, make_response, render_template
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from webapp.extensions import db, htmx
from webapp.numbers import int_arg

PER_PAGE = 50


def page_number() -> int:
    """Return the requested page (1 when absent or not a positive number)."""
    return int_arg("page", low=1) or 1


def paginate(query: Select, per_page: int = PER_PAGE) -> Pagination:
    """Return one page of `query`; a page past the end is simply empty."""
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False, count=True)


def wants_fragment() -> bool:
    """Tell whether htmx asked for a fragment (a history restore needs the whole page)."""
    return bool(htmx) and not htmx.history_restore_request


def page_or_fragment(page_template: str, fragment: str, status: int = 200, **context) -> Response:
    """Render the full page or, for htmx, only its fragment; say that the answer varies."""
    template = fragment if wants_fragment() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
