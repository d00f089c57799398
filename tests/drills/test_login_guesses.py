"""Drill: parallel login guesses (issue 21 item 6).

Before the fix 40 parallel guesses got 17 password checks against a limit of 10, a success on
one's own account reset the address's counter, and 10 wrong guesses locked the victim out from
every address. Here the app serves real HTTP in threads behind a (simulated) router, and
guesses arrive all at once from one address, across many emails, and from many addresses.
The drill prints the checks each burst got against its limit.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.drills.live_web import Browser, serving
from tests.factories import PASSWORD, make_store

STRANGER, OFFICE, NEW_PLACE = "203.0.113.9", "198.51.100.7", "192.0.2.44"
GUESSES = 40


def burst(base: str, targets: list[tuple[str, str]]) -> list[int]:
    """Send one wrong guess per (address, email) at the same instant; return the statuses."""
    browsers = [(Browser(base, address), email) for address, email in targets]
    tokens = [browser.form_token() for browser, _ in browsers]
    start = threading.Barrier(len(browsers))

    def guess(index: int) -> int:
        browser, email = browsers[index]
        form = {"email": email, "password": "wrong-password", "csrf_token": tokens[index]}
        start.wait()
        return browser.post("/login", data=form).status_code

    with ThreadPoolExecutor(len(browsers)) as pool:
        return list(pool.map(guess, range(len(browsers))))


def figures(name: str, statuses: list[int], limit: int) -> dict:
    """The burst's checks (401: the password was checked) against its limit."""
    checked, refused = statuses.count(401), statuses.count(429)
    print(json.dumps({"drill": "login_guesses", "burst": name, "guesses": len(statuses),
                      "checked": checked, "refused": refused, "limit": limit}))  # fmt: skip
    return {"checked": checked, "other": len(statuses) - checked - refused}


def test_parallel_guesses_at_one_merchant_from_one_address(app, user):
    limit = app.config["LOGIN_ATTEMPTS_PER_WINDOW"]
    with serving(app, behind_router=True) as base:
        statuses = burst(base, [(STRANGER, user.email)] * GUESSES)
        result = figures("one address, one email", statuses, limit)
        assert result == {"checked": limit, "other": 0}
        assert Browser(base, STRANGER).log_in(user.email) == 429  # even with the password
        assert Browser(base, OFFICE).log_in(user.email) == 302  # the merchant is not locked out


def test_parallel_guesses_across_emails_from_one_address(app, user):
    limit = app.config["LOGIN_ATTEMPTS_PER_ADDRESS"]
    own = make_store("guesser", email="guesser@example.com").users[0].email
    with serving(app, behind_router=True) as base:
        guesser = Browser(base, STRANGER)
        assert guesser.log_in(own) == 302  # a success on one's own account resets nothing
        targets = [(STRANGER, f"victim{n}@example.com") for n in range(GUESSES)]
        result = figures("one address, many emails", burst(base, targets), limit)
        assert result == {"checked": limit, "other": 0}
        assert Browser(base, STRANGER).log_in(own) == 429
        assert Browser(base, OFFICE).log_in(user.email) == 302


def test_parallel_guesses_at_one_merchant_from_many_addresses(app, user):
    limit = app.config["LOGIN_ATTEMPTS_PER_EMAIL"]
    with serving(app, behind_router=True) as base:
        assert Browser(base, OFFICE).log_in(user.email) == 302  # the merchant's usual place
        targets = [(f"203.0.113.{n % 8 + 10}", user.email) for n in range(GUESSES + 20)]
        result = figures("many addresses, one email", burst(base, targets), limit)
        assert result == {"checked": limit, "other": 0}
        assert Browser(base, NEW_PLACE).log_in(user.email, PASSWORD) == 429
        assert Browser(base, OFFICE).log_in(user.email, PASSWORD) == 302
