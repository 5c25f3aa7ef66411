"""The ticket on the attendee's screen, as a door volunteer's scanner sees it."""

import pytest

from tests.factories import EventFactory
from tests.registration.helpers import register
from tests.zbar import read_codes

pytestmark = pytest.mark.django_db(transaction=True)


def test_ticket_on_a_phone_screen_is_read_by_zbar_as_the_ticket_code(new_page):
    registration = register(EventFactory(), 1)
    page = new_page(width=390, height=844)

    page.goto(f"/r/{registration.manage_token}")
    image = page.get_by_role("img", name="QR")
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.images].every((image) => image.complete)")

    assert read_codes(image.screenshot()) == [f"QR-Code:{registration.ticket_code}"]
