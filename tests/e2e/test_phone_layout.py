"""The order desk's pages on a phone (390 px wide): nothing runs off the right edge."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, make_item
from tests.web.order_factories import make_order

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, user):
    """A logged-in browser page 390 px wide, an ordinary phone."""
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto("/login")
    tab.get_by_label("Email").fill(user.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/integrations/joor")
    yield tab
    context.close()


def _page_width(tab) -> int:
    """How wide the page is drawn, scrolled-off parts included."""
    return tab.evaluate("document.documentElement.scrollWidth")


def _right_edge(locator) -> float:
    """Where the element ends on the page, in px from the left."""
    box = locator.bounding_box()
    return box["x"] + box["width"]


def test_an_order_with_long_values_fits_a_phone(phone, store):
    order = make_order(
        store,
        email="purchasing.department.wholesale-buyer.c1001@example-boutique-group.com",
        company_name="Maison Dupont-Lefèvre Wholesale Boutiques International",
        ship_start=date(2026, 12, 22),
        ship_end=date(2027, 1, 22),
    )
    phone.goto(f"/orders/{order.id}")
    screenshot(phone, "phone-order")
    assert _page_width(phone) <= PHONE["width"]
    assert _right_edge(phone.get_by_text(order.email)) <= PHONE["width"]


def test_the_inventory_list_fits_a_phone_with_stock_and_save_in_reach(phone, store):
    make_item(
        store,
        "LONG-STYLE-CODE-WITH-COLOUR-AND-SIZE-0001",
        name="Organic cotton oversized heavyweight crewneck sweatshirt, washed charcoal, XXL",
        upc="0123456789012",
        metadata={"skip_push": "1", "season_collection_code": "AW26-CAPSULE-EXTENDED"},
    )
    phone.goto("/inventory/")
    screenshot(phone, "phone-inventory")
    assert _page_width(phone) <= PHONE["width"]
    assert _right_edge(phone.get_by_label("Stock of LONG-STYLE")) <= PHONE["width"]
    assert _right_edge(phone.get_by_role("button", name="Save")) <= PHONE["width"]


def test_the_orders_list_stacks_on_a_phone_without_scrolling_sideways(phone, store):
    make_order(
        store,
        customer_name="Maison Dupont-Lefèvre Wholesale Boutiques International",
        company_name="Dupont-Lefèvre Group of Fine Retailers and Concept Stores",
        ship_start=date(2026, 12, 22),
        ship_end=date(2027, 1, 22),
    )
    phone.goto("/orders/")
    screenshot(phone, "phone-orders")
    wrap = phone.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing hidden to the right
    assert _page_width(phone) <= PHONE["width"]
    assert _right_edge(phone.locator("td[data-label='Ship window']").first) <= PHONE["width"]
