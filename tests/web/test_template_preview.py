"""The settings page's template preview: what the push sends, and errors pointing at a column."""

from __future__ import annotations

from tests.factories import make_item

URL = "/integrations/joor/settings/preview/style_number"
HX = {"HX-Request": "true"}


def test_the_preview_shows_the_value_the_push_sends(auth_client, store):
    make_item(store, "TEE-RED-M")
    page = auth_client.post(URL, headers=HX, data={"style_number": "  {{ item.code }}\n"})
    assert "<b>TEE-RED-M</b>" in page.get_data(as_text=True)


def test_the_preview_error_points_at_the_column(auth_client, store):
    make_item(store, "TEE-RED-M")
    page = auth_client.post(URL, headers=HX, data={"style_number": "{{ item.code|shout }}"})
    text = page.get_data(as_text=True)
    assert "there is no filter named &#39;shout&#39; at line 1, column 14" in text
    assert '<pre class="error-pointer" data-testid="error-pointer">{{ item.code|shout }}\n' in text
    assert "\n             ^</pre>" in text


def test_a_render_error_names_its_column_per_item(auth_client, store):
    make_item(store, "TEE-RED-M")
    page = auth_client.post(URL, headers=HX, data={"style_number": "{{ item.code * 2 }}"})
    assert "&#39;TEE-RED-M&#39; is not a number at line 1, column 14" in page.get_data(as_text=True)
