"""Pages answered whole from the cache (core/response_cache.py) in a browser: a reader who
gets a stored page can still use its forms, with a CSRF token of their own."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_language_switch_works_on_a_stored_page(new_page):
    EventFactory(slug="forum", title_en="Hanoi Forum", title_vi="Diễn đàn Hà Nội")
    for _ in range(2):  # other readers: the page is built, then stored
        new_page().goto("/en/events/forum/")
    page = new_page()

    page.goto("/en/events/forum/")
    page.locator("#language").select_option("vi")

    expect(page).to_have_url(re.compile(r"/vi/events/forum/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Diễn đàn Hà Nội")
