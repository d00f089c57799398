"""The app on a real loopback port, and a browser-like session that logs in through its form."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server

from joorsim.testing import QuietHandler
from tests.factories import PASSWORD

FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PAGE_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


@contextmanager
def serving(app, *, behind_router: bool = False) -> Iterator[str]:
    """Serve the app in threads as production does (errors become 500s); yield its base URL.

    `behind_router` trusts one X-Forwarded-For hop, so a drill can speak from many addresses.
    """
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    wsgi = ProxyFix(app.wsgi_app, x_for=1) if behind_router else app.wsgi_app
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="drill-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Browser(requests.Session):
    """A cookie-keeping client for the live app, optionally speaking from a given address."""

    def __init__(self, base: str, address: str | None = None) -> None:
        super().__init__()
        self.base = base
        if address:
            self.headers["X-Forwarded-For"] = address

    def request(self, method, url, *args, **kwargs):
        kwargs["allow_redirects"] = False  # a redirect to the login page is the answer
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base + url, *args, **kwargs)

    def form_token(self, path: str = "/login") -> str:
        """The CSRF token of the form on `path`."""
        return FORM_TOKEN.search(self.get(path).text).group(1)

    def log_in(self, email: str, password: str = PASSWORD, *, remember: bool = False) -> int:
        """Post the login form; return its status (302 in, 401 wrong, 429 refused)."""
        form = {"email": email, "password": password, "csrf_token": self.form_token()}
        if remember:
            form["remember"] = "y"
        return self.post("/login", data=form).status_code

    def page_token(self) -> str:
        """The CSRF token a logged-in page gives htmx (for posts without a form)."""
        return PAGE_TOKEN.search(self.get("/integrations/joor").text).group(1)

    def signed_in(self) -> bool:
        """Tell whether the panel opens (rather than sending to the login page)."""
        return self.get("/integrations/joor").status_code == 200
