"""The whole visitor flow in Vietnamese, and the language menu keeping the page."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from registration.models import Registration
from tests.factories import EventFactory

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def vi(text: str) -> str:
    """The Vietnamese the pages should show; a missing translation fails the test."""
    with translation.override("vi"):
        translated = translation.gettext(text)
    assert translated != text, f"not translated: {text}"
    return translated


def test_vietnamese_flow_finds_registers_and_manages(page):
    EventFactory(slug="dien-dan", title_en="Hanoi Forum", title_vi="Diễn đàn Hà Nội", fields=["2"])
    EventFactory(title_en="Other", title_vi="Sự kiện khác", fields=["5"])

    page.goto("/vi/")
    page.locator("#id_field").select_option("2")
    page.locator(".filters button[type=submit]").click()
    expect(page.get_by_role("link", name="Sự kiện khác")).to_have_count(0)
    page.get_by_role("link", name="Diễn đàn Hà Nội").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diễn đàn Hà Nội")
    expect(page.get_by_text(vi("Add to calendar (.ics)"))).to_be_visible()
    screenshot(page, "event-vietnamese")
    page.get_by_role("link", name=vi("Register"), exact=True).click()
    page.locator("#id_name").fill("Hoàng Thị Thu")
    page.locator("#id_email").fill("thu@example.org")
    page.locator("#id_consent").check()
    page.get_by_role("button", name=vi("Register"), exact=True).click()

    expect(page.get_by_role("heading", name=vi("You are registered!"))).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text(vi("Confirmed"))
    assert Registration.objects.get().language == "vi"


def test_language_switch_keeps_the_page(page):
    EventFactory(slug="forum", title_en="Hanoi Forum", title_vi="Diễn đàn Hà Nội")

    page.goto("/en/events/forum/")
    page.locator("#language").select_option("vi")

    expect(page).to_have_url(re.compile(r"/vi/events/forum/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Diễn đàn Hà Nội")
    page.locator("#language").select_option("en")
    expect(page).to_have_url(re.compile(r"/en/events/forum/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hanoi Forum")


def test_language_switch_on_the_emailed_link_keeps_the_page(page):
    event = EventFactory(slug="forum", title_en="Hanoi Forum", title_vi="Diễn đàn Hà Nội")
    from registration import seats

    registration = seats.register(
        event, {"name": "Thu", "email": "thu@example.org", "consent": True, "language": "vi"}
    )

    page.goto(f"/r/{registration.manage_token}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("#language").select_option("en")

    expect(page).to_have_url(re.compile(rf"/r/{registration.manage_token}$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Your registration")).to_be_visible()
