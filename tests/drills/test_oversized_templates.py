"""Drill: a merchant (or an attacker) pastes huge or deeply nested templates (issue 21 item 8).

Before the fix, 300 nested {% if %} or 500 nested parentheses raised RecursionError and the
save answered 500, and a 5.3 MB template took 7.7 s to preview. Now each is refused in words,
at preview and at save, and nothing is stored. The drill prints the size and depth tried and
the time each refusal took (figures, not assertions: see `pytest -s`).
"""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from tests.factories import make_item
from webapp.extensions import db
from webapp.models import SettingsChange
from webapp.sync.connection.state import get_connection

PANEL = "/integrations/joor"
HX = {"HX-Request": "true"}
HOSTILE = {
    "huge (5.3 MB)": ("{{ item.code }}" * 350_000, "characters long; the limit is 2,000"),
    "300 nested ifs": ("{% if 1 %}" * 300 + "x" + "{% endif %}" * 300, "the limit is 2,000"),
    "100 nested ifs": ("{%if 1%}" * 100 + "x" + "{%endif%}" * 100, "nests more than 64"),
    "500 nested parentheses": ("{{ " + "(" * 500 + "1" + ")" * 500 + " }}", "nests more than 64"),
    "chain of 600 filters": ("{{ item.code" + "|e" * 600 + " }}", "nests more than 64"),
}


def _settings(size: str) -> dict:
    return {
        "poll_minutes": "15", "order_type": "approved", "folder": "New",
        "sync_inventory": "y", "warehouse": "Default", "inventory_mode": "update",
        "identifier": "style", "style_number": "{{ item.code }}",
        "style_identifier": "{{ item.code }}", "color_code": "x", "size": size,
    }  # fmt: skip


def _timed(call):
    started = time.perf_counter()
    response = call()
    return response, round(time.perf_counter() - started, 3)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_oversized_templates_are_refused_in_words_at_preview_and_save(auth_client, store, name):
    source, words = HOSTILE[name]
    make_item(store, "TEE-RED-M")
    preview, preview_s = _timed(
        lambda: auth_client.post(
            f"{PANEL}/settings/preview/size", headers=HX, data={"size": source}
        )
    )
    assert preview.status_code == 200
    assert words in preview.get_data(as_text=True)
    assert len(preview.get_data()) < 10_000  # the refusal never echoes the template back
    save, save_s = _timed(
        lambda: auth_client.post(f"{PANEL}/settings", headers=HX, data=_settings(source))
    )
    assert save.status_code == 422
    page = save.get_data(as_text=True)
    assert "Size: " in page and (words in page or "at most 2,000 characters" in page)
    db.session.expire_all()
    assert get_connection(db.session, store.id).tpl_size == ""
    assert db.session.scalar(select(SettingsChange.id)) is None
    # The app still answers at once afterwards: nothing was left broken by the refusal.
    assert auth_client.get(PANEL).status_code == 200
    print(json.dumps({"drill": "oversized_templates", "template": name, "characters": len(source),
                      "preview_refused_s": preview_s, "save_refused_s": save_s}))  # fmt: skip
